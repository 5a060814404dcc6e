import { describe, expect, it } from 'vitest';
import { REDACTED, redactQuerySecrets } from '../../src/http/log-redaction.js';

const SECRET = 'Zq3-x_9aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789';

describe('redactQuerySecrets', () => {
  it('replaces the token in a URL and keeps everything else', () => {
    expect(redactQuerySecrets(`/console/setup?token=${SECRET}`)).toBe(
      `/console/setup?token=${REDACTED}`,
    );
    expect(redactQuerySecrets(`/console/setup?notice=x&token=${SECRET}&next=%2Fconsole`)).toBe(
      `/console/setup?notice=x&token=${REDACTED}&next=%2Fconsole`,
    );
    expect(redactQuerySecrets(`https://keys.example.com/console/setup?token=${SECRET}#top`)).toBe(
      `https://keys.example.com/console/setup?token=${REDACTED}#top`,
    );
  });

  it('catches the name however a query parser would read it', () => {
    for (const name of ['TOKEN', 'Token', '%74oken', '%54%4F%4B%45%4E']) {
      expect(redactQuerySecrets(`/console/setup?${name}=${SECRET}`)).not.toContain(SECRET);
    }
  });

  it('leaves other parameters, bare names, empty values and undecodable names alone', () => {
    for (const url of [
      '/console/users?pageNum=2&itemsPerPage=100',
      '/console/setup?token',
      '/console/setup?token=',
      '/console/setup?tokens=abc&mytoken=def',
      '/console/setup?%E0%A4%A=1',
      '/a=b/no-query',
    ]) {
      expect(redactQuerySecrets(url)).toBe(url);
    }
  });

  it('cleans a whole JSON log line, message and stack included, and keeps it valid JSON', () => {
    const line = `${JSON.stringify({
      level: 40,
      url: `/console/setup?token=${SECRET}`,
      err: {
        message: `Reply was already sent in "/console/setup?token=${SECRET}" (GET)?`,
        stack: `FastifyError: in "/console/setup?token=${SECRET}"\n    at Reply.send`,
      },
    })}\n`;
    const cleaned = redactQuerySecrets(line);
    expect(cleaned).not.toContain(SECRET);
    expect(JSON.parse(cleaned)).toMatchObject({
      url: `/console/setup?token=${REDACTED}`,
      err: { message: `Reply was already sent in "/console/setup?token=${REDACTED}" (GET)?` },
    });
  });
});
