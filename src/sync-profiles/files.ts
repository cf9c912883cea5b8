import { mkdir, rm, writeFile } from 'node:fs/promises'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { mapLimit } from '#shared/concurrency.js'
import { fileInside } from '#shared/local-paths.js'

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

/** A profile UUID as Apple issues them; anything else never becomes part of a path. */
export const PROFILE_UUID =
  /^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$/
const PROFILE_FILE = new RegExp(`${PROFILE_UUID.source.slice(0, -1)}\\.mobileprovision$`)

/** `dir/<UUID>.mobileprovision`, refusing a UUID that is not UUID-shaped (server text is data). */
export function profilePath(dir: string, uuid: string): string {
  return fileInside(
    dir,
    `${uuid}.mobileprovision`,
    PROFILE_FILE,
    `a profile UUID ('${uuid.slice(0, 80)}')`
  )
}

/**
 * Writes each profile as `<UUID>.mobileprovision` into `outputDir` and every folder of `install`,
 * with bounded concurrency, and removes the files of `removed` UUIDs (profiles just replaced) from
 * the install folders so Xcode cannot pick a deleted one. Returns the path in `outputDir` per UUID.
 * Every path is worked out (and every UUID checked) before anything is written or removed.
 */
export async function writeProfiles(
  files: ProfileFile[],
  outputDir: string,
  install: string[],
  removed: string[] = [],
  concurrency = 8
): Promise<Map<string, string>> {
  const dirs = [outputDir, ...install]
  const jobs = files.flatMap((f) => dirs.map((dir) => ({ path: profilePath(dir, f.uuid), f })))
  const keep = new Set(files.map((f) => f.uuid))
  const stale = removed
    .filter((u) => u && !keep.has(u))
    .flatMap((u) => install.map((dir) => profilePath(dir, u)))
  await Promise.all(dirs.map((d) => mkdir(d, { recursive: true })))
  await mapLimit(jobs, concurrency, ({ path, f }) =>
    writeFile(path, Buffer.from(f.content, 'base64'))
  )
  await mapLimit(stale, concurrency, (path) => rm(path, { force: true }))
  return new Map(files.map((f) => [f.uuid, profilePath(outputDir, f.uuid)]))
}
