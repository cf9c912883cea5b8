// Preloaded into a benchmarked bundle (`node --import`): records the process's peak RSS on exit.
import { writeFileSync } from 'node:fs'

const file = process.env.BENCH_RSS_FILE
if (file)
  process.on('exit', () => writeFileSync(file, String(process.resourceUsage().maxRSS * 1024)))
