/**
 * Reading one HAR input: checks that say what is wrong in one line (not found, a directory, too large for
 * one JavaScript string, compressed, not JSON, truncated, not a HAR), then one read and one JSON.parse.
 */
import { closeSync, fstatSync, openSync, readFileSync, readSync, statSync } from 'node:fs';
import { constants as bufferConstants } from 'node:buffer';
import { HarFormatError, parseHarText, type HarConversion } from '../capture/har.ts';
import { InputError } from './input-error.ts';

/** V8's limit on a string's length (2^29 − 24 code units on 64-bit): a bigger file cannot be one string. */
export const MAX_STRING_LENGTH = bufferConstants.MAX_STRING_LENGTH;

export interface ReadOptions {
  /** Override the size limit (tests). */
  maxBytes?: number;
  /** Read standard input for `-`. */
  readStdin?: () => Buffer;
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1024 ** 3) return `${(bytes / 1024 ** 3).toFixed(1)} GB`;
  if (bytes >= 1024 ** 2) return `${(bytes / 1024 ** 2).toFixed(1)} MB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} bytes`;
}

/** Read and convert one HAR; throws `InputError` with a one-line reason. */
export function readHar(file: string, options: ReadOptions = {}): HarConversion {
  const maxBytes = options.maxBytes ?? MAX_STRING_LENGTH;
  // The bytes are not kept in a variable: once decoded, they can be collected while JSON.parse runs.
  const text = decode(file, file === '-' ? readStdin(options) : readFileBytes(file, maxBytes), maxBytes);
  try {
    return parseHarText(text);
  } catch (error) {
    if (error instanceof HarFormatError) throw new InputError(file, error.message);
    throw new InputError(file, `cannot be converted: ${messageOf(error)}`);
  }
}

function readStdin(options: ReadOptions): Buffer {
  try {
    return options.readStdin ? options.readStdin() : readFileSync(0);
  } catch (error) {
    throw new InputError('-', `cannot read standard input: ${messageOf(error)}`);
  }
}

function readFileBytes(file: string, maxBytes: number): Buffer {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(file);
  } catch (error) {
    throw new InputError(file, describeFsError(error));
  }
  if (stats.isDirectory()) throw new InputError(file, 'is a directory, not a HAR file');
  // Check the size before reading: a read that cannot become one string would fail late and vaguely.
  if (stats.isFile() && stats.size > maxBytes) throw tooLarge(file, stats.size, maxBytes);
  try {
    if (stats.isFile()) return readFileSync(file);
    // A pipe or a device (`<(gunzip -c x.har.gz)`): no size up front, so read it in chunks up to the limit.
    return readLimited(file, maxBytes);
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(file, describeFsError(error));
  }
}

function readLimited(file: string, maxBytes: number): Buffer {
  const fd = openSync(file, 'r');
  try {
    if (fstatSync(fd).isDirectory()) throw new InputError(file, 'is a directory, not a HAR file');
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(1 << 20);
      let read: number;
      try {
        read = readSync(fd, chunk, 0, chunk.length, null);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EAGAIN') continue;
        throw error;
      }
      if (read === 0) break;
      total += read;
      if (total > maxBytes) throw tooLarge(file, total, maxBytes, 'more than ');
      chunks.push(chunk.subarray(0, read));
    }
    return Buffer.concat(chunks, total);
  } finally {
    closeSync(fd);
  }
}

function tooLarge(file: string, size: number, maxBytes: number, qualifier = ''): InputError {
  return new InputError(
    file,
    `too large (${qualifier}${formatBytes(size)}): a JavaScript string holds at most ${formatBytes(maxBytes)}, so this HAR cannot be read in one piece; export fewer requests or split the capture`,
  );
}

/** Recognise what is clearly not a UTF-8 JSON text before decoding it, and decode UTF-16 exports. */
function decode(file: string, bytes: Buffer, maxBytes: number): string {
  if (bytes.length > maxBytes) throw tooLarge(file, bytes.length, maxBytes);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b)
    throw new InputError(file, 'is gzip-compressed, not a HAR file: decompress it first (gunzip)');
  if (bytes.length >= 4 && bytes.readUInt32BE(0) === 0x504b0304)
    throw new InputError(file, 'is a ZIP archive, not a HAR file: extract the .har first');
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes);
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes);
  try {
    return bytes.toString('utf8');
  } catch (error) {
    // ERR_STRING_TOO_LONG: only reachable when the size check was bypassed (a custom limit).
    throw new InputError(file, `too large to hold as one string: ${messageOf(error)}`);
  }
}

function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'file not found';
    case 'ENOTDIR':
      return 'file not found (a parent in the path is not a directory)';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory, not a HAR file';
    case 'ELOOP':
      return 'too many symbolic links';
    case 'ENAMETOOLONG':
      return 'file name too long';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'ERR_FS_FILE_TOO_LARGE':
      return 'too large to read into memory';
    case 'EIO':
      return 'input/output error while reading';
    default:
      return `cannot be read: ${messageOf(error)}`;
  }
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!;
}
