// distribute-to-testflight:
// (a) uploading a 1 GiB .ipa to the fake (32 MiB parts, bytes hashed and counted, not kept):
//     throughput against a plain sequential PUT of the same bytes (same part sizes, streamed from
//     disk, one at a time) to the same server; and the bundle's peak RSS, promised under 150 MB.
// (b) finding, configuring and submitting an already-processed build at 50 ms latency: requests
//     against the fewest the API allows (app by bundle ID, the build with everything included, the
//     app's groups, the testers by e-mail, then one write each: export compliance, What to Test,
//     all groups at once (an internal group with every build needs none), all testers at once, the review submission, the notification).
import { createReadStream, closeSync, openSync, rmSync, writeSync, mkdtempSync } from 'node:fs'
import * as http from 'node:http'
import { createHash } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { crc32 } from 'node:zlib'
import { registerDomain, startFakeAsc, type FakeAsc } from '../../../tools/fake-asc/index.js'
import {
  buildUploadSettings,
  uploadedFiles
} from '../../../tools/fake-asc/domains/build-uploads.js'
import { seedBuild } from '../../../tools/fake-asc/domains/testflight.js'
import { infoPlist, xmlPlist } from '../../../tools/fixtures/testflight.js'
import { timedBundle, type Scenario } from './lib.js'

const GIB = 1 << 30
const PART = 32 << 20

function auth(fake: FakeAsc) {
  const key = fake.keys.team
  return {
    'key-id': key.keyId,
    'issuer-id': key.issuerId,
    'private-key': key.privateKey,
    'api-base-url': fake.url
  }
}

/** A 1 GiB .ipa: Info.plist, then a stored (sparse, zero) executable, then the central directory. */
function writeBigIpa(path: string, payload: number): number {
  const fd = openSync(path, 'w')
  const entries: Array<{ name: Buffer; crc: number; size: number; offset: number }> = []
  let at = 0
  const local = (name: string, data: Buffer | undefined, size: number, crc: number) => {
    const n = Buffer.from(name)
    const h = Buffer.alloc(30)
    h.writeUInt32LE(0x04034b50, 0)
    h.writeUInt16LE(20, 4)
    h.writeUInt32LE(crc, 14)
    h.writeUInt32LE(size, 18)
    h.writeUInt32LE(size, 22)
    h.writeUInt16LE(n.length, 26)
    entries.push({ name: n, crc, size, offset: at })
    writeSync(fd, Buffer.concat([h, n]), 0, 30 + n.length, at)
    at += 30 + n.length
    if (data) writeSync(fd, data, 0, data.length, at)
    at += size
  }
  const plist = Buffer.from(xmlPlist(infoPlist({ version: '9.0', buildNumber: '900' })))
  local('Payload/Example.app/Info.plist', plist, plist.length, crc32(plist))
  const zero = Buffer.alloc(1 << 20)
  let crc = 0
  for (let done = 0; done < payload; done += zero.length)
    crc = crc32(zero.subarray(0, Math.min(zero.length, payload - done)), crc)
  local('Payload/Example.app/Example', undefined, payload, crc)
  const central = entries.map((e) => {
    const c = Buffer.alloc(46)
    c.writeUInt32LE(0x02014b50, 0)
    c.writeUInt16LE(20, 4)
    c.writeUInt16LE(20, 6)
    c.writeUInt32LE(e.crc, 16)
    c.writeUInt32LE(e.size, 20)
    c.writeUInt32LE(e.size, 24)
    c.writeUInt16LE(e.name.length, 28)
    c.writeUInt32LE(e.offset, 42)
    return Buffer.concat([c, e.name])
  })
  const cd = Buffer.concat(central)
  const end = Buffer.alloc(22)
  end.writeUInt32LE(0x06054b50, 0)
  end.writeUInt16LE(entries.length, 8)
  end.writeUInt16LE(entries.length, 10)
  end.writeUInt32LE(cd.length, 12)
  end.writeUInt32LE(at, 16)
  writeSync(fd, Buffer.concat([cd, end]), 0, cd.length + 22, at)
  closeSync(fd)
  return at + cd.length + 22
}

/** The baseline: the same bytes PUT to the same server, part after part, streamed from disk. */
async function plainPut(url: string, path: string, size: number): Promise<number> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const started = performance.now()
  for (let offset = 0; offset < size; offset += PART) {
    const length = Math.min(PART, size - offset)
    await new Promise<void>((resolve, reject) => {
      const req = http.request(url, {
        method: 'PUT',
        agent,
        headers: { 'Content-Length': String(length), 'Content-Type': 'application/octet-stream' }
      })
      req.on('response', (res) => {
        res.resume()
        res.on('end', () =>
          res.statusCode === 200 ? resolve() : reject(new Error(`sink answered ${res.statusCode}`))
        )
      })
      req.on('error', reject)
      createReadStream(path, {
        start: offset,
        end: offset + length - 1,
        highWaterMark: 1 << 20
      }).pipe(req)
    })
  }
  agent.destroy()
  return performance.now() - started
}

const upload: Scenario = {
  name: 'distribute-to-testflight: upload a 1 GiB .ipa',
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'bench-ipa-'))
    const path = join(dir, 'Big.ipa')
    const fake = await startFakeAsc()
    try {
      const size = writeBigIpa(path, GIB - 4096)
      registerDomain(fake, {
        name: 'bench-sink',
        // The same server-side work as the upload route: both digests of the body.
        routes: [
          {
            method: 'PUT',
            path: '/bench-sink',
            api: false,
            handle: (ctx) => {
              createHash('sha256').update(ctx.rawBody).digest()
              createHash('md5').update(ctx.rawBody).digest()
              return { status: 200, body: '' }
            }
          }
        ]
      })
      fake.store.create('apps', {
        name: 'Example',
        bundleId: 'com.example.app',
        sku: 'EX',
        primaryLocale: 'en-US'
      })
      const settings = buildUploadSettings(fake)
      settings.partSize = PART
      settings.keepBytes = false
      const baselineMs = await plainPut(`${fake.url}/bench-sink`, path, size)
      const run = await timedBundle('distribute-to-testflight', {
        ...auth(fake),
        'ipa-path': path,
        'poll-interval': '200ms'
      })
      const file = uploadedFiles(fake)[0]
      const partMs = (() => {
        const parts = fake.requests.filter((r) => r.path.startsWith('/fake-upload/'))
        return parts.length ? parts[parts.length - 1].time - parts[0].time : 0
      })()
      const summaryLine = /Upload:\*\* ([^\n]+)/.exec(run.stdout)?.[1]
      const transferMs = Number(/in ([\d.]+)s transfer/.exec(run.stdout)?.[1] ?? NaN) * 1000
      const uploadMs = Number.isFinite(transferMs) ? transferMs : partMs
      const ratio = baselineMs / uploadMs
      const requests = fake.requests.filter((r) => r.api).length
      return {
        scenario: this.name,
        requests,
        minimum: 6,
        wallMs: run.wallMs,
        peakRssBytes: run.peakRssBytes,
        bound: { label: 'parts ≤ 1.25 × plain PUT', valueMs: baselineMs * 1.25 },
        ok:
          file?.committed === true &&
          ratio >= 0.8 &&
          run.peakRssBytes < 150 * (1 << 20) &&
          fake.violations.length === 0,
        notes: [
          `throughput ${(((size / uploadMs) * 1000) / (1 << 20)).toFixed(0)} MiB/s vs plain PUT ${(((size / baselineMs) * 1000) / (1 << 20)).toFixed(0)} MiB/s (${ratio.toFixed(2)}×)`,
          `${file?.operations.length ?? 0} parts of 32 MiB`,
          `peak RSS ${(run.peakRssBytes / 1e6).toFixed(0)} MB (bound 150 MiB)`,
          summaryLine ?? '',
          'minimum: app, build lookup, upload, file, commit, upload state (then build reads)'
        ].filter(Boolean)
      }
    } finally {
      await fake.close()
      rmSync(dir, { recursive: true, force: true })
    }
  }
}

const configure: Scenario = {
  name: 'distribute-to-testflight: configure and submit a processed build, 50 ms latency',
  async run() {
    const fake = await startFakeAsc({ latencyMs: 50 })
    try {
      const app = fake.store.create('apps', {
        name: 'Example',
        bundleId: 'com.example.app',
        sku: 'EX',
        primaryLocale: 'en-US'
      })
      for (const [name, internal] of [
        ['QA', true],
        ['External', false],
        ['Other', false]
      ] as const)
        fake.store.create(
          'betaGroups',
          // QA is an internal group that gets every build (Apple's default): it costs no request.
          { name, isInternalGroup: internal, hasAccessToAllBuilds: internal },
          { app: { type: 'apps', id: app.id } }
        )
      for (const email of ['a@example.com', 'b@example.com'])
        fake.store.create(
          'betaTesters',
          { email, inviteType: 'EMAIL' },
          { apps: [{ type: 'apps', id: app.id }] }
        )
      seedBuild(fake, app.id, { version: '3.0', buildNumber: '300', usesNonExemptEncryption: null })
      const run = await timedBundle('distribute-to-testflight', {
        ...auth(fake),
        'bundle-id': 'com.example.app',
        version: '3.0',
        'build-number': '300',
        'uses-non-exempt-encryption': 'false',
        'what-to-test': 'Try everything',
        groups: 'QA,External',
        testers: 'a@example.com,b@example.com',
        'submit-for-review': 'true',
        'notify-testers': 'true'
      })
      const requests = fake.requests.filter((r) => r.api).length
      const minimum = 4 + 6
      return {
        scenario: this.name,
        requests,
        minimum,
        wallMs: run.wallMs,
        peakRssBytes: run.peakRssBytes,
        ok:
          requests === minimum &&
          run.outputs['beta-review-state'] === 'WAITING_FOR_REVIEW' &&
          fake.violations.length === 0,
        notes: [
          'reads: app, build (+ includes), groups, testers; writes: compliance, notes, groups, testers, review, notify'
        ]
      }
    } finally {
      await fake.close()
    }
  }
}

export const scenarios: Scenario[] = [configure, upload]
