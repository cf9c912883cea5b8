import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeAsc, type FakeAsc } from '../../tools/fake-asc/index.js'
import {
  buildUploadSettings,
  seedBuildUpload,
  uploadedFiles
} from '../../tools/fake-asc/domains/build-uploads.js'
import { infoPlist, writeIpa, xmlPlist, zipArchive } from '../../tools/fixtures/testflight.js'
import { sharedChildrenPlist, zeroBombStream, zipWithDeflated } from '../../tools/fixtures/bombs.js'
import {
  ROOT,
  connectionInputs,
  expectNoSecrets,
  runBundle,
  type ActionRun
} from '../../tools/e2e-harness.js'

const ENTRY = 'distribute-to-testflight'
let fake: FakeAsc | undefined
let dir: string

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tf-upload-e2e-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))
afterEach(async () => {
  await fake?.close()
  fake = undefined
})

async function world(): Promise<{ fake: FakeAsc; appId: string; external: string }> {
  fake = await startFakeAsc()
  const app = fake.store.create('apps', {
    name: 'Example',
    bundleId: 'com.example.app',
    sku: 'EX',
    primaryLocale: 'en-US'
  })
  const external = fake.store.create(
    'betaGroups',
    { name: 'External Testers', isInternalGroup: false, publicLinkEnabled: false },
    { app: { type: 'apps', id: app.id } }
  ).id
  return { fake, appId: app.id, external }
}

async function distribute(
  f: FakeAsc,
  inputs: Record<string, string>,
  env: Record<string, string> = {}
): Promise<ActionRun> {
  const run = await runBundle(
    ENTRY,
    { 'poll-interval': '200ms', ...connectionInputs(f), ...inputs },
    { timeoutMs: 90_000, env }
  )
  expectNoSecrets(run, f.keys.team.privateKey)
  return run
}

/** Workflow commands in stdout other than the one expected `::error::` and masks. */
const strayCommands = (run: ActionRun) =>
  run.stdout
    .split('\n')
    .filter((l) => l.startsWith('::') && !/^::(error|debug|add-mask|group|endgroup)\b/.test(l))

const partRequests = (f: FakeAsc) => f.requests.filter((r) => r.path.startsWith('/fake-upload/'))

describe('distribute-to-testflight: a stalled upload host', () => {
  it('aborts a part that never gets an answer and ends within processing-timeout, naming the part', async () => {
    const w = await world()
    buildUploadSettings(w.fake).partSize = 16 * 1024
    buildUploadSettings(w.fake).stallParts = Infinity
    const path = join(dir, 'Stalls.ipa')
    writeIpa(path, { payloadBytes: 50_000, buildNumber: '11' })
    // processing-timeout 5s: a stall window of 1s, the whole upload bounded by 5s (not 50 minutes).
    const run = await distribute(w.fake, { 'ipa-path': path, 'processing-timeout': '5s' })
    expect(run.code).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(/part \d+ of \d+ stalled/)
    expect(run.errors[0]).toMatch(/upload host/)
    expect(run.stdout).toMatch(/stalled \(no progress for 1s\); retrying/)
    expect(w.fake.store.list('builds')).toHaveLength(0)
    expect(
      w.fake
        .changingRequests()
        .some((r) => r.method === 'PATCH' && r.path.includes('buildUploadFiles'))
    ).toBe(false)
    expect(w.fake.violations).toEqual([])
  })

  it('retries a part whose first attempt stalled, and succeeds', async () => {
    const w = await world()
    buildUploadSettings(w.fake).partSize = 16 * 1024
    buildUploadSettings(w.fake).stallParts = 1
    const path = join(dir, 'StallsOnce.ipa')
    const bytes = writeIpa(path, { payloadBytes: 50_000, buildNumber: '12' })
    const run = await distribute(w.fake, { 'ipa-path': path, 'processing-timeout': '20s' })
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(
      /Upload of part \d+ of \d+: stalled \(no progress for 2s\); retrying/
    )
    const [file] = uploadedFiles(w.fake)
    expect(file.bytes?.equals(bytes)).toBe(true)
    expect(run.outputs['processing-state']).toBe('VALID')
    expect(w.fake.violations).toEqual([])
  })
})

describe('distribute-to-testflight: progress', () => {
  it('prints a line per 10 % of a multi-part upload, ending at 100 %, and the clock on each wait line', async () => {
    const w = await world()
    buildUploadSettings(w.fake).partSize = 64 * 1024
    buildUploadSettings(w.fake).readsUntilComplete = 3
    buildUploadSettings(w.fake).buildReadsUntilValid = 2
    const path = join(dir, 'Progress.ipa')
    writeIpa(path, { payloadBytes: 1_000_000, buildNumber: '13' })
    const run = await distribute(w.fake, { 'ipa-path': path })
    expect(run.errors).toEqual([])
    const lines = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('Uploaded '))
      .map((l) => /^Uploaded ([\d.]+ \w+) of ([\d.]+ \w+) \((\d+) %\), [\d.]+ \w+\/s/.exec(l))
    expect(lines.every((m) => m !== null)).toBe(true)
    const percents = lines.map((m) => Number(m![3]))
    expect(partRequests(w.fake).length).toBeGreaterThan(10)
    expect(percents.length).toBeGreaterThanOrEqual(9)
    expect(percents.length).toBeLessThanOrEqual(12)
    for (let i = 1; i < percents.length; i++)
      expect(percents[i]).toBeGreaterThanOrEqual(percents[i - 1])
    expect(percents.at(-1)).toBe(100)
    expect(lines.at(-1)![1]).toBe(lines.at(-1)![2])
    expect(run.stdout).toMatch(/about \S+ left/)
    expect(run.stdout).toMatch(
      /Upload \S+ is PROCESSING \(\S+ elapsed, [^)]+ left\); checking again in/
    )
    expect(run.stdout).toMatch(/Build .* is PROCESSING \(\S+ elapsed, [^)]+ left\); checking again/)
    expect(w.fake.violations).toEqual([])
  })
})

describe('distribute-to-testflight: a duplicate upload', () => {
  it('carries on with the upload this app already has for that version and build number', async () => {
    const w = await world()
    buildUploadSettings(w.fake).readsUntilComplete = 2
    const earlier = seedBuildUpload(w.fake, w.appId, {
      version: '1.2.0',
      buildNumber: '42',
      state: 'PROCESSING'
    })
    const path = join(dir, 'Twice.ipa')
    writeIpa(path, { version: '1.2.0', buildNumber: '42' })
    const run = await distribute(w.fake, { 'ipa-path': path, groups: 'External Testers' })
    expect(run.errors).toEqual([])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/already being uploaded \(build upload \S+, PROCESSING\)/)
    const refused = w.fake.requests.find(
      (r) => r.method === 'POST' && r.path === '/v1/buildUploads'
    )
    expect(refused?.status).toBe(409)
    expect(w.fake.requests.some((r) => r.path === '/v1/buildUploadFiles')).toBe(false)
    expect(partRequests(w.fake)).toHaveLength(0)
    const builds = w.fake.store.list('builds')
    expect(builds).toHaveLength(1)
    expect(w.fake.store.relatedIds(builds[0], 'buildUpload')[0]?.id).toBe(earlier.id)
    expect(run.outputs).toMatchObject({ 'build-id': builds[0].id, 'processing-state': 'VALID' })
    expect(
      w.fake.store.relatedIds({ type: 'builds', id: builds[0].id }, 'betaGroups').map((g) => g.id)
    ).toEqual([w.external])
    expect(w.fake.store.list('buildUploads')).toHaveLength(1)
    expect(w.fake.violations).toEqual([])
  })

  it('says the build number is taken, with the highest known, when this app has no such build', async () => {
    const w = await world()
    buildUploadSettings(w.fake).takenBuildNumbers = ['42']
    buildUploadSettings(w.fake).previousBundleVersion = '57'
    const path = join(dir, 'Taken.ipa')
    writeIpa(path, { version: '1.2.0', buildNumber: '42' })
    const run = await distribute(w.fake, { 'ipa-path': path })
    expect(run.code).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(/build number 42 is already taken/)
    expect(run.errors[0]).toMatch(/the highest it knows is 57/)
    expect(run.errors[0]).toMatch(/next-build-number/)
    expect(w.fake.requests.some((r) => r.path === '/v1/buildUploadFiles')).toBe(false)
    expect(strayCommands(run)).toEqual([])
    expect(w.fake.violations).toEqual([])
  })
})

describe('distribute-to-testflight: a closed version train', () => {
  it.each(['90062', '90186'])(
    'says the marketing version must be raised when the upload FAILED with %s',
    async (code) => {
      const w = await world()
      buildUploadSettings(w.fake).failWith = [
        {
          code,
          description:
            'The value for key CFBundleShortVersionString [1.2.0] in the Info.plist file must contain a higher version than that of the previously approved version [1.2.0].'
        }
      ]
      const path = join(dir, `Closed${code}.ipa`)
      writeIpa(path, { version: '1.2.0', buildNumber: '14' })
      const run = await distribute(w.fake, { 'ipa-path': path })
      expect(run.code).not.toBe(0)
      expect(run.errors).toHaveLength(1)
      expect(run.errors[0]).toMatch(/^Input 'version':/)
      expect(run.errors[0]).toMatch(/version 1\.2\.0 is closed/)
      expect(run.errors[0]).toMatch(/Raise the marketing version \(CFBundleShortVersionString/)
      expect(run.errors[0]).not.toMatch(/ipa-path/)
      expect(w.fake.violations).toEqual([])
    }
  )
})

describe('distribute-to-testflight: memory bombs', () => {
  const peak = async (path: string) => {
    const f = (await world()).fake
    const rss = join(dir, `rss-${Date.now()}`)
    const run = await distribute(
      f,
      { 'ipa-path': path },
      {
        NODE_OPTIONS: `--import ${join(ROOT, 'scripts/dev/bench/peak-memory.mjs')}`,
        BENCH_RSS_FILE: rss
      }
    )
    return { run, rssMb: Number(readFileSync(rss, 'utf8')) / 1e6, fake: f }
  }

  it('refuses an Info.plist that inflates to 2 GiB while its headers claim 4 KiB, under 300 MB', async () => {
    const path = join(dir, 'Bomb.ipa')
    writeFileSync(
      path,
      zipWithDeflated('Payload/Example.app/Info.plist', zeroBombStream(2048), 4096, {
        'Payload/Example.app/PkgInfo': Buffer.from('APPL????')
      })
    )
    const { run, rssMb, fake: f } = await peak(path)
    expect(run.code).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(/^Input 'ipa-path':/)
    expect(run.errors[0]).toMatch(/Info\.plist is larger than 4 MiB once inflated/)
    expect(rssMb).toBeLessThan(300)
    expect(f.requests).toHaveLength(0)
  })

  it('refuses a binary Info.plist of shared children 34 deep, under 300 MB', async () => {
    const path = join(dir, 'Shared.ipa')
    writeFileSync(path, zipArchive({ 'Payload/Example.app/Info.plist': sharedChildrenPlist(34) }))
    const { run, rssMb, fake: f } = await peak(path)
    expect(run.code).not.toBe(0)
    expect(run.errors).toHaveLength(1)
    expect(run.errors[0]).toMatch(/^Input 'ipa-path':/)
    expect(run.errors[0]).toMatch(/expands to more than 200000 values|nests deeper than 64/)
    expect(rssMb).toBeLessThan(300)
    expect(f.requests).toHaveLength(0)
  })

  it('still reads an honest XML Info.plist next to a large payload', async () => {
    const w = await world()
    const path = join(dir, 'Honest.ipa')
    writeFileSync(
      path,
      zipArchive({
        'Payload/Example.app/Info.plist': xmlPlist(infoPlist({ buildNumber: '15' })),
        'Payload/Example.app/Example': Buffer.alloc(8 << 20)
      })
    )
    const run = await distribute(w.fake, { 'ipa-path': path, 'wait-for-processing': 'false' })
    expect(run.errors).toEqual([])
    expect(run.outputs['build-number']).toBe('15')
  })
})
