import { describe, expect, test } from 'vitest';
import { filesProblem, filesText, humanSize, isImage, MAX_FILE_BYTES } from './files';

describe('filesProblem', () => {
  test('files within the limits can go', () => {
    expect(filesProblem([1, 2, MAX_FILE_BYTES])).toBeNull();
  });
  test('more than ten files', () => {
    expect(filesProblem(Array(11).fill(1))).toBe('tooMany');
  });
  test('an empty file', () => {
    expect(filesProblem([0])).toBe('empty');
  });
  test('a file over 10 MB', () => {
    expect(filesProblem([MAX_FILE_BYTES + 1])).toBe('tooBig');
  });
  test('files over 25 MB together', () => {
    expect(filesProblem([MAX_FILE_BYTES, MAX_FILE_BYTES, MAX_FILE_BYTES])).toBe('tooMuch');
  });
});

test('pictures are previewed, SVG and documents are links', () => {
  for (const ct of ['image/png', 'image/jpeg', 'IMAGE/WEBP']) expect(isImage(ct)).toBe(true);
  for (const ct of ['image/svg+xml', 'application/pdf', 'text/html']) expect(isImage(ct)).toBe(false);
});

test('sizes read as people read them', () => {
  expect(humanSize(512)).toBe('512 B');
  expect(humanSize(1536)).toBe('1.5 KB');
  expect(humanSize(3 * 1024 * 1024)).toBe('3.0 MB');
});

test('a message of files alone says their names', () => {
  expect(filesText(['a.png', 'b.pdf'])).toBe('a.png, b.pdf');
});
