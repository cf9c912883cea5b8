import { Summary } from '#shared/summary.js'
import type { Decision } from './plan.js'
import type { Outcome } from './apply.js'
import type { DeviceInfo } from './provisioning-api.js'
import type { ProfileType } from './profile-types.js'

/** One entry of the `profiles` output (names fixed by the contract). */
export interface ProfileOutput {
  name: string
  uuid: string
  'bundle-id': string
  'profile-type': ProfileType
  'expiration-date': string
  path: string
}

/** A plan line for the log: `replace com.example.app IOS_APP_STORE 'Name': expired on …`. */
export function planLine(d: Decision): string {
  return `${d.action.padEnd(7)} ${d.bundleId} ${d.profileType} '${d.name}': ${d.reasons.join('; ')}`
}

export function profileOutputs(outcomes: Outcome[], paths: Map<string, string>): ProfileOutput[] {
  return outcomes
    .filter((o) => o.profile)
    .map((o) => ({
      name: o.profile!.name || o.decision.name,
      uuid: o.profile!.uuid,
      'bundle-id': o.decision.bundleId,
      'profile-type': o.decision.profileType,
      'expiration-date': o.profile!.expirationDate,
      path: paths.get(o.profile!.uuid) ?? ''
    }))
}

/**
 * The step's outputs: `profiles` with every profile, and each field of the first one as an output
 * of its own (`uuid`, `name`, `path`, …), handy when a job syncs one profile.
 */
export function stepOutputs(
  profiles: ProfileOutput[],
  counts: { created: number; renewed: number }
): Record<string, unknown> {
  return {
    ...(profiles[0] ?? {}),
    profiles,
    'created-count': counts.created,
    'renewed-count': counts.renewed
  }
}

export interface ReportFacts {
  dryRun: boolean
  registered: DeviceInfo[]
  /** Devices a dry run would register. */
  wouldRegister: Array<{ udid: string; name: string }>
  outputDir?: string
  installed: string[]
  requests?: number
  source: string
}

export function summarize(outcomes: Outcome[], f: ReportFacts): Summary {
  const s = new Summary().heading(
    `Provisioning profiles${f.dryRun ? ' (dry run: nothing changed)' : ''}`
  )
  s.facts([
    ['Source', f.source],
    [
      'Devices registered',
      f.dryRun ? undefined : f.registered.map((d) => `${d.name} (${d.udid})`).join(', ') || 'none'
    ],
    [
      'Devices that would be registered',
      f.dryRun
        ? f.wouldRegister.map((d) => `${d.name} (${d.udid})`).join(', ') || 'none'
        : undefined
    ],
    ['Written to', f.dryRun ? undefined : f.outputDir],
    ['Installed into', f.dryRun || !f.installed.length ? undefined : f.installed.join(', ')],
    ['API requests', f.requests]
  ])
  s.table(
    ['Bundle ID', 'Type', 'Name', 'UUID', 'Expires', 'Action', 'Why'],
    outcomes.map((o) => {
      const why = [
        ...o.decision.reasons,
        ...o.deleted.map((p) => `deleted old ${p.uuid}`),
        ...o.notes
      ]
      return [
        o.decision.bundleId,
        o.decision.profileType,
        o.profile?.name || o.decision.name,
        o.profile?.uuid,
        o.profile?.expirationDate?.slice(0, 10),
        o.taken,
        why.join('; ')
      ]
    })
  )
  return s
}

/** The summary of a run that installed the profiles from the Actions cache. */
export function summarizeCached(key: string, profiles: ProfileOutput[]): Summary {
  return new Summary()
    .heading('Provisioning profiles (from the Actions cache)')
    .text(`Restored from \`${key}\`; no API request was made.`)
    .table(
      ['Bundle ID', 'Type', 'Name', 'UUID', 'Expires', 'Action'],
      profiles.map((p) => [
        p['bundle-id'],
        p['profile-type'],
        p.name,
        p.uuid,
        p['expiration-date'].slice(0, 10),
        'restored'
      ])
    )
}
