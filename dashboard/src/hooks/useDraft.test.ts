import { act, renderHook } from '@testing-library/preact';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { draftKey, readDraft, storeDraft, useDraft } from './useDraft';

describe('drafts in localStorage', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => vi.restoreAllMocks());

  it('are kept per ticket', () => {
    storeDraft('t1', 'one');
    storeDraft('t2', 'two');
    expect(readDraft('t1')).toBe('one');
    expect(readDraft('t2')).toBe('two');
    expect(localStorage.getItem(draftKey('t1'))).toBe('one');
  });

  it('an empty draft is removed, not stored', () => {
    storeDraft('t1', 'one');
    storeDraft('t1', '');
    expect(localStorage.getItem(draftKey('t1'))).toBeNull();
  });

  it('reads as empty when none is stored', () => {
    expect(readDraft('t1')).toBe('');
  });

  it('reads as empty when storage is refused', () => {
    vi.spyOn(Storage.prototype, 'getItem').mockImplementation(() => {
      throw new Error('SecurityError');
    });
    expect(readDraft('t1')).toBe('');
  });

  it('storing fails silently when storage is refused (the draft lives in memory)', () => {
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new Error('QuotaExceededError');
    });
    expect(() => storeDraft('t1', 'x')).not.toThrow();
  });
});

describe('useDraft', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => vi.restoreAllMocks());

  it("starts from the ticket's stored draft", () => {
    storeDraft('t1', 'half a reply');
    const { result } = renderHook(() => useDraft('t1'));
    expect(result.current.text).toBe('half a reply');
  });

  it('set shows and stores the text', () => {
    const { result } = renderHook(() => useDraft('t1'));
    act(() => result.current.set('Hello'));
    expect(result.current.text).toBe('Hello');
    expect(readDraft('t1')).toBe('Hello');
  });

  it('clear empties the box and forgets the stored draft', () => {
    const { result } = renderHook(() => useDraft('t1'));
    act(() => result.current.set('Hello'));
    act(() => result.current.clear());
    expect(result.current.text).toBe('');
    expect(localStorage.getItem(draftKey('t1'))).toBeNull();
  });

  it('keeps the text in memory when storage is refused', () => {
    vi.spyOn(Storage.prototype, 'setItem').mockImplementation(() => {
      throw new Error('QuotaExceededError');
    });
    const { result } = renderHook(() => useDraft('t1'));
    act(() => result.current.set('Hello'));
    expect(result.current.text).toBe('Hello');
  });
});
