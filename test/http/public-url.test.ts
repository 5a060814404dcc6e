import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { publicUrl } from '../../src/config.js';
import { parsePublicUrl } from '../../src/http/public-url.js';

describe('--public-url', () => {
  it('decides on the parsed scheme and hands on a normalized base', () => {
    expect(publicUrl('HTTPS://Example.COM')).toEqual({ base: 'https://example.com', https: true });
    expect(publicUrl('Http://Keys.Example.com:80/Base//')).toEqual({
      base: 'http://keys.example.com/Base',
      https: false,
    });
    expect(publicUrl('https://keys.example.com:443/')).toEqual({
      base: 'https://keys.example.com',
      https: true,
    });
    expect(publicUrl('https://keys.example.com:8443/a b')).toEqual({
      base: 'https://keys.example.com:8443/a%20b',
      https: true,
    });
    expect(publicUrl('https://[::1]:8443')).toEqual({ base: 'https://[::1]:8443', https: true });
  });

  it('refuses what cannot be a base for links, saying why', () => {
    const cases = {
      'keys.example.com': 'not-a-url',
      '/console': 'not-a-url',
      'ftp://keys.example.com': 'not-http',
      'javascript:alert(1)': 'not-http',
      'https://admin:secret@keys.example.com': 'has-credentials',
      'https://keys.example.com/?a=1': 'has-query',
      'https://keys.example.com/?': 'has-query',
      'https://keys.example.com/#top': 'has-query',
      'https://keys.example.com#': 'has-query',
    } as const;
    for (const [text, error] of Object.entries(cases)) {
      expect(parsePublicUrl(text)).toEqual({ ok: false, error });
      expect(() => publicUrl(text)).toThrow(InvalidArgumentError);
    }
  });
});
