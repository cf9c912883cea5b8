import * as core from '@actions/core'
import { createClient } from '#shared/asc/connection.js'
import { ConfigurationError, errorMessage } from '#shared/errors.js'
import { serverText } from '#shared/log.js'
import { group, setOutputs } from '#shared/outputs.js'
import { redact } from '#shared/redact.js'
import { runAction } from '#shared/run.js'
import { checkOutputDir, createCertificate, fileSerial, writeFiles } from './apply.js'
import { AscCertificatesApi } from './certificates-api.js'
import { spki } from './csr.js'
import { decide, type Plan } from './plan.js'
import { describe, summarize, type Outcome } from './report.js'
import { readSettings, type SyncCertificatesSettings } from './settings.js'

export async function run(): Promise<void> {
  return runAction('sync-certificates', async () => {
    const settings = readSettings()
    if (!settings.dryRun) checkOutputDir(settings.outputDir)
    const client = createClient(settings.connection, 'sync-certificates')
    let plan: Plan | undefined
    let outcome: Outcome
    try {
      ;({ plan, outcome } = await sync(new AscCertificatesApi(client), settings))
    } catch (error) {
      outcome = { status: 'failed', error: redact(errorMessage(error)) }
      await summarize(outcome, facts(settings, plan, client.stats.requests)).write()
      throw error
    }
    const c = outcome.certificate
    setOutputs({
      'certificate-id': c?.id ?? '',
      'serial-number': c?.serialNumber ?? '',
      'expiration-date': c?.expirationDate ?? '',
      'p12-path': outcome.p12Path ?? '',
      'cer-path': outcome.cerPath ?? '',
      created: String(outcome.status === 'created')
    })
    await summarize(outcome, facts(settings, plan, client.stats.requests)).write()
    if (outcome.status === 'missing') throw new ConfigurationError(outcome.error!, 'create-missing')
    core.notice(summaryNotice(outcome, settings), { title: 'Sync certificates' })
  })
}

function facts(s: SyncCertificatesSettings, plan: Plan | undefined, requests: number) {
  return { type: s.certificateType, dryRun: s.dryRun, plan, requests }
}

function summaryNotice(o: Outcome, s: SyncCertificatesSettings): string {
  const c = o.certificate
  const serial = serverText(c?.serialNumber ?? '', 40)
  if (o.status === 'would create')
    return `Dry run: a ${s.certificateType} certificate would be created for the signing key.`
  if (o.status === 'would reuse') return `Dry run: certificate ${serial} would be used.`
  return `${o.status === 'created' ? 'Created' : 'Using'} ${s.certificateType} certificate ${serial}; .p12 at ${o.p12Path}.`
}

async function sync(
  api: AscCertificatesApi,
  settings: SyncCertificatesSettings
): Promise<{ plan: Plan; outcome: Outcome }> {
  const now = Date.now()
  const keySpki = spki(settings.signingKey)
  const listed = await group(`List ${settings.certificateType} certificates`, async () => {
    const list = await api.list(settings.certificateType)
    core.info(`${list.length} ${settings.certificateType} certificate(s).`)
    for (const c of list) core.info(`  ${serverText(describe(c))}`)
    return list
  })
  const plan = decide(listed, { spki: keySpki, ...settings, now })
  let outcome: Outcome
  if (plan.action === 'reuse') {
    core.info(
      `Using ${serverText(describe(plan.certificate))}: its public key is the signing key's.`
    )
    fileSerial(plan.certificate.serialNumber)
    outcome = { status: settings.dryRun ? 'would reuse' : 'reused', certificate: plan.certificate }
  } else {
    const why = plan.renewing
      ? `the certificate for the signing key, ${serverText(describe(plan.renewing))}, expires within ${settings.renewWithinDays} day(s) (it is kept, never revoked)`
      : `no ${settings.certificateType} certificate is for the signing key`
    if (plan.action === 'missing') {
      const error = `Input 'create-missing' is false and ${why}; set create-missing: true, or give the signing-key of a valid certificate.`
      return { plan, outcome: { status: 'missing', error } }
    }
    if (settings.dryRun) {
      core.info(
        `Dry run: would create a ${settings.certificateType} certificate from a CSR, because ${why}.`
      )
      return { plan, outcome: { status: 'would create' } }
    }
    core.info(`Creating a ${settings.certificateType} certificate from a CSR, because ${why}.`)
    const { certificate, recovered } = await group('Create the certificate', () =>
      createCertificate(api, {
        type: settings.certificateType,
        key: settings.signingKey,
        knownIds: new Set(listed.map((c) => c.id)),
        listed,
        now
      })
    )
    core.info(`Created ${serverText(describe(certificate))}.`)
    outcome = { status: 'created', certificate, recovered }
  }
  if (!settings.dryRun) {
    const files = await writeFiles(
      settings.outputDir,
      outcome.certificate!,
      settings.signingKey,
      settings.p12Password
    )
    core.info(`Wrote ${files.p12Path} and ${files.cerPath} (mode 0600).`)
    outcome = { ...outcome, ...files }
  }
  return { plan, outcome }
}
