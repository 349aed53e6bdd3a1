import { isNoise } from './kafka.js';

describe("kafkajs' own log lines", () => {
  it('drops what it retries itself and its notices, keeps what needs a person', () => {
    expect(isNoise('Connection', 'Response CreateTopics(key: 19, version: 3)')).toBe(true);
    expect(isNoise('Connection', 'Response Metadata(key: 3, version: 6)')).toBe(true);
    expect(isNoise('', 'KafkaJS v2.0.0 switched default partitioner. To retain …')).toBe(true);
    expect(
      isNoise(
        'Producer',
        'Limiting retries for the idempotent producer may invalidate EoS guarantees',
      ),
    ).toBe(true);
    expect(isNoise('Connection', 'Connection error: connect ECONNREFUSED 127.0.0.1:9092')).toBe(
      false,
    );
    expect(isNoise('Consumer', 'Crash: KafkaJSNumberOfRetriesExceeded')).toBe(false);
    expect(isNoise('Producer', 'Failed to send messages')).toBe(false);
  });
});
