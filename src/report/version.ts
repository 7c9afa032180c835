/** The tool's name and version, as package.json declares them: the CLI's --version, every report's `tool`. */
import { name, version } from '../../package.json';

export const TOOL_NAME: string = name;
export const TOOL_VERSION: string = version;
/** The name for people (SARIF's `tool.driver.name`). */
export const TOOL_DISPLAY_NAME = 'OAuth Lens';
