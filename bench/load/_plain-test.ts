import { ensurePattern } from "/work/wt/load/bench/load/ffmpeg";
import { PlainRouterBench } from "/work/wt/load/bench/load/plain-router";
import { sweep } from "/work/wt/load/bench/load/sweep";
import { pin, stopAllChildren } from "/work/wt/load/bench/load/processes";
async function main() {
  pin(process.pid, "1");
  const file = ensurePattern();
  const b = new PlainRouterBench({ publishers: 4, audio: false, patternFile: file, workerCpu: "0", otherCpu: "1", maxSeconds: 300 });
  await b.start();
  const steps = process.argv.slice(2).map(Number);
  const r = await sweep("plain", b, steps, { settleMs: 2000, windowSeconds: 5 });
  console.log(r.stoppedBecause, r.best?.consumers);
  await b.close();
  stopAllChildren();
  process.exit(0);
}
main().catch((e) => { console.error(e); stopAllChildren(); process.exit(1); });
