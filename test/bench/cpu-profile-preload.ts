/**
 * Preloaded into a hub process by `run.ts --profile-hub DIR` (through NODE_OPTIONS, where
 * --cpu-prof is not allowed): records a V8 CPU profile from start to exit and writes it to
 * FEDHUB_BENCH_PROFILE_DIR/<pid>.cpuprofile.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import path from 'node:path';

const dir = process.env['FEDHUB_BENCH_PROFILE_DIR'];
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // Same-thread sessions answer synchronously, so this completes inside the exit handler.
    session.post('Profiler.stop', (err, res) => {
      if (!err) writeFileSync(path.join(dir, `${process.pid}.cpuprofile`), JSON.stringify(res.profile));
    });
  });
}
