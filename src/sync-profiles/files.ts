import { mkdir, rm, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { mapLimit } from '#shared/concurrency.js'

/** The folders Xcode reads profiles from: the classic one and Xcode 16's. */
export function installFolders(home = process.env.HOME || homedir()): string[] {
  return [
    join(home, 'Library', 'MobileDevice', 'Provisioning Profiles'),
    join(home, 'Library', 'Developer', 'Xcode', 'UserData', 'Provisioning Profiles')
  ]
}

export interface ProfileFile {
  uuid: string
  /** base64 of the `.mobileprovision`, as App Store Connect gives it. */
  content: string
}

/**
 * Writes each profile as `<UUID>.mobileprovision` into `outputDir` and every folder of `install`,
 * with bounded concurrency, and removes the files of `removed` UUIDs (profiles just replaced) from
 * the install folders so Xcode cannot pick a deleted one. Returns the path in `outputDir` per UUID.
 */
export async function writeProfiles(
  files: ProfileFile[],
  outputDir: string,
  install: string[],
  removed: string[] = [],
  concurrency = 8
): Promise<Map<string, string>> {
  const dirs = [outputDir, ...install]
  await Promise.all(dirs.map((d) => mkdir(d, { recursive: true })))
  const jobs = files.flatMap((f) => dirs.map((dir) => ({ dir, f })))
  await mapLimit(jobs, concurrency, ({ dir, f }) =>
    writeFile(join(dir, `${f.uuid}.mobileprovision`), Buffer.from(f.content, 'base64'))
  )
  const keep = new Set(files.map((f) => f.uuid))
  const stale = removed
    .filter((u) => u && !keep.has(u))
    .flatMap((u) => install.map((dir) => join(dir, `${u}.mobileprovision`)))
  await mapLimit(stale, concurrency, (path) => rm(path, { force: true }))
  return new Map(files.map((f) => [f.uuid, join(outputDir, `${f.uuid}.mobileprovision`)]))
}
