import { ConfigError, loadConfig, parsers, setting } from './config.js';

const spec = {
  PORT: setting('HTTP port', parsers.port, 3000),
  DATABASE_URL: setting('event store', parsers.url('postgres:')),
  LEVEL: setting('log level', parsers.oneOf('info', 'debug'), 'info'),
  BROKERS: setting('brokers', parsers.list, ['127.0.0.1:9092']),
};

describe('loadConfig', () => {
  it('parses given values and falls back to defaults', () => {
    const config = loadConfig(spec, {
      DATABASE_URL: 'postgres://u:p@db:5432/x',
      BROKERS: 'a:1, b:2',
    });
    expect(config).toEqual({
      PORT: 3000,
      DATABASE_URL: 'postgres://u:p@db:5432/x',
      LEVEL: 'info',
      BROKERS: ['a:1', 'b:2'],
    });
  });

  it('reports every bad or missing variable at once', () => {
    let error: unknown;
    try {
      loadConfig(spec, { PORT: '99999', LEVEL: 'loud' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'PORT must be a TCP port (HTTP port)',
      'DATABASE_URL is required (event store)',
      'LEVEL must be one of info, debug (log level)',
    ]);
  });
});
