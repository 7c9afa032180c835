import { describe, expect, it } from 'vitest';
import { requestedTabId } from './requested-tab.ts';

describe('requestedTabId', () => {
  it('reads ?tabId=N, and the older ?tab=N', () => {
    expect(requestedTabId('?tabId=42')).toBe(42);
    expect(requestedTabId('?tab=7')).toBe(7);
    expect(requestedTabId('?theme=dark&tabId=3')).toBe(3);
  });

  it('prefers tabId when both are given', () => {
    expect(requestedTabId('?tab=1&tabId=2')).toBe(2);
  });

  it('keeps -1 (no such tab: only the recent flows or an import show)', () => {
    expect(requestedTabId('?tabId=-1')).toBe(-1);
  });

  it('asks for no tab when none, or no integer, is given', () => {
    expect(requestedTabId('')).toBeUndefined();
    expect(requestedTabId('?tabId=')).toBeUndefined();
    expect(requestedTabId('?tabId=abc')).toBeUndefined();
    expect(requestedTabId('?tabId=1.5')).toBeUndefined();
  });
});
