import { redisDataDir, redisLogFile, redisServerArgs } from './redis';

describe('redisServerArgs', () => {
  const args = redisServerArgs(56379, '/s/data/bench-redis', '/s/logs/bench-redis.log');
  const value = (flag: string) => args[args.indexOf(flag) + 1];

  it('binds the private port on loopback only', () => {
    expect(value('--port')).toBe('56379');
    expect(value('--bind')).toBe('127.0.0.1');
  });

  it('keeps nothing on disk and never evicts a queued job', () => {
    expect(value('--save')).toBe('');
    expect(value('--appendonly')).toBe('no');
    expect(value('--maxmemory-policy')).toBe('noeviction');
  });

  it('stays a foreground child, with data and log where it is told', () => {
    expect(value('--daemonize')).toBe('no');
    expect(value('--dir')).toBe('/s/data/bench-redis');
    expect(value('--logfile')).toBe('/s/logs/bench-redis.log');
  });
});

it('keeps data and log under the stack dir', () => {
  expect(redisDataDir('/repo/.stack')).toBe('/repo/.stack/data/bench-redis');
  expect(redisLogFile('/repo/.stack')).toBe('/repo/.stack/logs/bench-redis.log');
});
