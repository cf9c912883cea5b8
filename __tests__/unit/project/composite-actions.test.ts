import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { spawnSync } from 'node:child_process'
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { parseOutputFile } from '../../../tools/e2e-harness.js'
import {
  bundleOf,
  checkComposite,
  compositeActions,
  loadEntryFromRepository,
  type ActionMetadata,
  type Step
} from '../../support/action-metadata.js'

const composites = compositeActions()

describe('composite actions', () => {
  it('are the ones release pipelines need', () => {
    expect([...composites.keys()]).toEqual(
      expect.arrayContaining([
        'app-store-release',
        'cleanup-signing',
        'nightly-maintenance',
        'setup-signing',
        'testflight-release'
      ])
    )
  })

  it.each([...composites.keys()])('%s passes the composite checks', (name) => {
    expect(
      checkComposite(`actions/${name}`, composites.get(name)!, loadEntryFromRepository)
    ).toEqual([])
  })

  it.each([...composites.keys()])('%s has scripts bash can parse', (name) => {
    for (const step of composites.get(name)!.runs.steps ?? []) {
      if (step.run === undefined) continue
      const check = spawnSync('bash', ['-n'], { input: step.run, encoding: 'utf8' })
      expect({ step: step.name, stderr: check.stderr }).toEqual({ step: step.name, stderr: '' })
    }
  })

  it('run the bundles that the JavaScript actions run', () => {
    const entries = new Set<string>()
    for (const action of composites.values())
      for (const step of action.runs.steps ?? []) {
        const bundle = bundleOf(step)
        if (bundle) entries.add(bundle.entry)
      }
    expect([...entries].sort()).toEqual([
      'distribute-to-testflight',
      'expire-builds',
      'submit-to-app-store',
      'sync-certificates',
      'sync-profiles'
    ])
  })
})

describe('the composite checker catches', () => {
  const entry: ActionMetadata = {
    inputs: Object.fromEntries(
      ['key-id', 'issuer-id', 'private-key', 'private-key-path', 'api-base-url', 'bundle-ids'].map(
        (n) => [n, { description: n, default: '' }]
      )
    ),
    outputs: { profiles: { description: 'p' } },
    runs: { using: 'node24', main: '../../dist/sync-profiles/index.js' }
  }
  const loadEntry = (name: string) => (name === 'sync-profiles' ? entry : undefined)
  const connectionEnv = {
    'INPUT_KEY-ID': '${{ inputs.key-id }}',
    'INPUT_ISSUER-ID': '${{ inputs.issuer-id }}',
    'INPUT_PRIVATE-KEY': '${{ inputs.private-key }}',
    'INPUT_PRIVATE-KEY-PATH': '${{ inputs.private-key-path }}',
    'INPUT_API-BASE-URL': '${{ inputs.api-base-url }}'
  }
  const sound = (): ActionMetadata => ({
    name: 'Example',
    description: 'An example composite',
    inputs: structuredClone(entry.inputs),
    outputs: { profiles: { description: 'p', value: '${{ steps.sync.outputs.profiles }}' } },
    runs: {
      using: 'composite',
      steps: [
        {
          id: 'sync',
          name: 'Sync',
          shell: 'bash',
          env: { ...connectionEnv, 'INPUT_BUNDLE-IDS': '${{ inputs.bundle-ids }}' },
          run: 'node "$GITHUB_ACTION_PATH/../../dist/sync-profiles/index.js"'
        }
      ]
    }
  })
  const withStep = (change: (step: Step) => void): ActionMetadata => {
    const action = sound()
    change(action.runs.steps![0])
    return action
  }
  const check = (action: ActionMetadata) => checkComposite('actions/example', action, loadEntry)

  it('nothing in a sound composite', () => {
    expect(check(sound())).toEqual([])
  })

  it('an input expanded inside run:', () => {
    const action = withStep((s) => (s.run = 'echo "${{ inputs.bundle-ids }}"'))
    expect(check(action)).toContainEqual(
      'step 1 (Sync) expands an expression inside run: (inputs.bundle-ids); pass it through env:'
    )
  })

  it('an event field expanded inside run:', () => {
    const action = withStep((s) => (s.run = 'echo ${{ github.event.pull_request.title }}'))
    expect(check(action).join('\n')).toMatch(/expands an expression inside run: \(github\.event/)
  })

  it('a script without a shell', () => {
    const action = withStep((s) => delete s.shell)
    expect(check(action)).toContainEqual('step 1 (Sync) runs a script without naming its shell')
  })

  it('an INPUT_ variable the bundle does not read', () => {
    const action = withStep((s) => (s.env!['INPUT_BUNDLE-ID'] = '${{ inputs.bundle-ids }}'))
    expect(check(action)).toContainEqual(
      'step 1 (Sync): INPUT_BUNDLE-ID is not an input of actions/sync-profiles/action.yml'
    )
  })

  it('an undeclared input, an unused one, and a missing connection input', () => {
    const action = withStep((s) => {
      s.env!['INPUT_BUNDLE-IDS'] = '${{ inputs.bundle-id }}'
      delete s.env!['INPUT_API-BASE-URL']
    })
    expect(check(action)).toEqual(
      expect.arrayContaining([
        'step 1 (Sync) INPUT_BUNDLE-IDS: inputs.bundle-id is not a declared input',
        'step 1 (Sync) does not pass api-base-url to sync-profiles',
        'input bundle-ids is declared but never used',
        'input api-base-url is declared but never used'
      ])
    )
  })

  it('outputs of a step that does not exist or does not have them', () => {
    const action = sound()
    action.outputs = {
      a: { description: 'a', value: '${{ steps.nope.outputs.profiles }}' },
      b: { description: 'b', value: '${{ steps.sync.outputs.profile }}' }
    }
    expect(check(action)).toEqual([
      "output a: steps.nope is not an earlier step's id",
      'output b: sync-profiles has no output profile'
    ])
  })

  it('a bundle that is not the one the entry point runs', () => {
    const action = withStep(
      (s) => (s.run = 'node "$GITHUB_ACTION_PATH/../dist/sync-profiles/index.js"')
    )
    expect(check(action).join('\n')).toMatch(
      /runs actions\/dist\/sync-profiles\/index\.js, but actions\/sync-profiles\/action\.yml runs dist\/sync-profiles\/index\.js/
    )
  })

  it('a forwarded input whose default differs from the entry point', () => {
    const action = sound()
    action.inputs!['bundle-ids'].default = 'com.example.b'
    entry.inputs!['bundle-ids'].default = 'com.example.a'
    try {
      expect(check(action)).toEqual([
        "input bundle-ids defaults to 'com.example.b', but sync-profiles's bundle-ids defaults to 'com.example.a'"
      ])
      action.inputs!['bundle-ids'].default = ''
      expect(check(action)).toEqual([])
    } finally {
      entry.inputs!['bundle-ids'].default = ''
    }
  })
})

// The signing composites run `security`, which only macOS has: here their scripts run under bash
// (as the runner runs them: `bash --noprofile --norc -eo pipefail`) with a fake `security` on PATH
// that records its arguments and plays a keychain.
const FAKE_SECURITY = `#!/usr/bin/env bash
printf '%s\\n' "$*" >> "$SECURITY_LOG"
case "$1" in
  create-keychain) touch "\${@: -1}" ;;
  delete-keychain) [ -e "$2" ] || exit 50; rm -f "$2" ;;
  import) cp "$2" "$FAKE_HOME/imported.p12"; [ "$6" = "$EXPECTED_P12_PASSWORD" ] || { echo "MAC verification failed" >&2; exit 1; } ;;
  list-keychains)
    if [ "$3" != "-s" ]; then
      printf '    "%s"\\n' "$FAKE_HOME/Library/Keychains/login.keychain-db" "/Library/Keychains/System.keychain"
    fi ;;
  find-identity)
    echo '  1) 0123456789ABCDEF0123456789ABCDEF01234567 "Apple Distribution: Example Ltd (ABCDE12345)"'
    echo '     1 valid identities found' ;;
esac
`

function scriptStep(action: string, id?: string): Step {
  const steps = composites.get(action)!.runs.steps!
  return id ? steps.find((s) => s.id === id)! : steps[0]
}

/**
 * Runs one composite script step: env values that are `${{ inputs.x }}` get the given or default
 * input, and `${{ steps.id.outputs.y }}` the given `steps.id.outputs.y` (or empty).
 */
function runScript(
  action: string,
  step: Step,
  given: Record<string, string>,
  env: Record<string, string>
) {
  const declared = composites.get(action)!.inputs ?? {}
  const stepEnv: Record<string, string> = {}
  for (const [name, value] of Object.entries(step.env ?? {})) {
    const m = /^\$\{\{\s*inputs\.([A-Za-z0-9_-]+)\s*\}\}$/.exec(String(value))
    const out = /^\$\{\{\s*(steps\.[A-Za-z0-9_-]+\.outputs\.[A-Za-z0-9_-]+)\s*\}\}$/.exec(
      String(value)
    )
    if (out) stepEnv[name] = given[out[1]] ?? ''
    else if (!m) throw new Error(`cannot evaluate ${name}: ${String(value)}`)
    else stepEnv[name] = given[m[1]] ?? String(declared[m[1]]?.default ?? '')
  }
  const script = join(env.RUNNER_TEMP, 'step.sh')
  writeFileSync(script, step.run!)
  const result = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
    env: { PATH: process.env.PATH, ...env, ...stepEnv },
    encoding: 'utf8'
  })
  rmSync(script)
  return result
}

describe('setup-signing and cleanup-signing (scripts run with a fake security)', () => {
  let temp: string
  let env: Record<string, string>
  const certificate = Buffer.from('p12 bytes: certificate and private key')
  const password = 'correct-horse-battery'
  const calls = () => readFileSync(env.SECURITY_LOG, 'utf8').trim().split('\n').filter(Boolean)

  beforeEach(() => {
    temp = mkdtempSync(join(tmpdir(), 'signing-'))
    const bin = join(temp, 'bin')
    mkdirSync(bin)
    writeFileSync(join(bin, 'security'), FAKE_SECURITY)
    chmodSync(join(bin, 'security'), 0o755)
    mkdirSync(join(temp, 'runner'))
    env = {
      PATH: `${bin}:${process.env.PATH}`,
      RUNNER_OS: 'macOS',
      RUNNER_TEMP: join(temp, 'runner'),
      HOME: temp,
      FAKE_HOME: temp,
      GITHUB_OUTPUT: join(temp, 'output'),
      SECURITY_LOG: join(temp, 'security.log'),
      EXPECTED_P12_PASSWORD: password
    }
    writeFileSync(env.GITHUB_OUTPUT, '')
    writeFileSync(env.SECURITY_LOG, '')
  })
  afterEach(() => rmSync(temp, { recursive: true, force: true }))

  it('imports the certificate into a new keychain, keeps the search list, and removes the decoded file', () => {
    const run = runScript(
      'setup-signing',
      scriptStep('setup-signing', 'keychain'),
      {
        'certificate-p12': certificate.toString('base64').replace(/(.{20})/g, '$1\n'),
        'certificate-password': password
      },
      env
    )
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const keychain = join(env.RUNNER_TEMP, 'app-store-connect-signing.keychain-db')
    expect(parseOutputFile(readFileSync(env.GITHUB_OUTPUT, 'utf8'))).toEqual({
      'keychain-path': keychain,
      'signing-identity': 'Apple Distribution: Example Ltd (ABCDE12345)',
      'signing-identity-sha1': '0123456789ABCDEF0123456789ABCDEF01234567'
    })
    const log = calls()
    const commands = log.map((line) => line.split(' ')[0])
    expect(commands).toEqual([
      'delete-keychain',
      'create-keychain',
      'set-keychain-settings',
      'unlock-keychain',
      'import',
      'set-key-partition-list',
      'list-keychains',
      'list-keychains',
      'find-identity'
    ])
    expect(log[2]).toBe(`set-keychain-settings -lut 21600 ${keychain}`)
    expect(log[4]).toMatch(
      new RegExp(`^import \\S+\\.p12 -k ${keychain} -P ${password} -f pkcs12 -T /usr/bin/codesign`)
    )
    expect(log[5]).toMatch(/^set-key-partition-list -S apple-tool:,apple:,codesign: -s -k \S+ /)
    expect(log[7]).toBe(
      `list-keychains -d user -s ${keychain} ${temp}/Library/Keychains/login.keychain-db /Library/Keychains/System.keychain`
    )
    // The certificate arrived intact, and its decoded copy is gone.
    expect(readFileSync(join(temp, 'imported.p12'))).toEqual(certificate)
    expect(existsSync(join(env.RUNNER_TEMP, 'app-store-connect-signing-certificate.p12'))).toBe(
      false
    )
    // Passwords appear only in the commands that mask them.
    const shown = run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'))
    expect(shown.join('\n')).not.toContain(password)
    const keychainPassword = /-k (\S+) /.exec(log[5])![1]
    expect(run.stdout).toContain(`::add-mask::${keychainPassword}`)
    expect(shown.join('\n')).not.toContain(keychainPassword)
  })

  it('imports the .p12 sync-certificates wrote for signing-key, with p12-password, then removes it', () => {
    const written = join(env.RUNNER_TEMP, 'certificates', '7A3B00C1.p12')
    mkdirSync(dirname(written))
    writeFileSync(written, certificate)
    const run = runScript(
      'setup-signing',
      scriptStep('setup-signing', 'keychain'),
      { 'steps.certificate.outputs.p12-path': written, 'p12-password': password },
      env
    )
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const keychain = join(env.RUNNER_TEMP, 'app-store-connect-signing.keychain-db')
    expect(calls()).toContainEqual(
      expect.stringMatching(
        new RegExp(`^import ${written} -k ${keychain} -P ${password} -f pkcs12`)
      )
    )
    expect(readFileSync(join(temp, 'imported.p12'))).toEqual(certificate)
    expect(existsSync(written)).toBe(false)
    expect(run.stdout).toContain(`::add-mask::${password}`)
  })

  it('runs sync-certificates only on macOS and never beside a .p12', () => {
    const step = scriptStep('setup-signing', 'certificate')
    expect(step.run).toContain('node "$GITHUB_ACTION_PATH/../../dist/sync-certificates/index.js"')
    for (const [given, runnerOs, message] of [
      [{ 'signing-key': 'k' }, 'Linux', /needs a macOS runner/],
      [
        { 'signing-key': 'k', 'certificate-p12': 'AAAA' },
        'macOS',
        /either certificate-p12 \(or certificate-p12-path\) or signing-key/
      ]
    ] as const) {
      const run = runScript('setup-signing', step, given, { ...env, RUNNER_OS: runnerOs })
      expect(run.status).toBe(1)
      expect(run.stdout.split('\n').filter((l) => l.startsWith('::error'))).toEqual([
        expect.stringMatching(message)
      ])
    }
  })

  it('refuses a Linux runner before touching anything', () => {
    const run = runScript(
      'setup-signing',
      scriptStep('setup-signing', 'keychain'),
      { 'certificate-p12': 'AAAA' },
      {
        ...env,
        RUNNER_OS: 'Linux'
      }
    )
    expect(run.status).toBe(1)
    expect(run.stdout).toMatch(/^::error title=setup-signing::setup-signing needs a macOS runner/m)
    expect(calls()).toEqual([])
  })

  it.each([
    [{}, /certificate-p12 is required/],
    [
      { 'certificate-p12': 'AAAA', 'certificate-p12-path': '/x.p12' },
      /either certificate-p12 or certificate-p12-path/
    ],
    [
      { 'certificate-p12-path': '/nowhere/x.p12' },
      /certificate-p12-path: no file at '\/nowhere\/x.p12'/
    ],
    [
      { 'certificate-p12': 'AAAA', 'keychain-name': 'login' },
      /keychain-name must be a plain file name other than 'login'/
    ],
    [{ 'certificate-p12': 'not base64!' }, /certificate-p12 is not base64 text/]
  ])('refuses bad input %j with one error and no keychain', (given, message) => {
    const run = runScript('setup-signing', scriptStep('setup-signing', 'keychain'), given, env)
    expect(run.status).toBe(1)
    const errors = run.stdout.split('\n').filter((l) => l.startsWith('::error'))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(message)
    expect(calls()).toEqual([])
  })

  it('reports a wrong certificate password as such', () => {
    const run = runScript(
      'setup-signing',
      scriptStep('setup-signing', 'keychain'),
      { 'certificate-p12': certificate.toString('base64'), 'certificate-password': 'wrong' },
      env
    )
    expect(run.status).toBe(1)
    expect(run.stdout).toMatch(
      /::error title=setup-signing::The \.p12 file could not be imported: check certificate-password/
    )
    expect(existsSync(join(env.RUNNER_TEMP, 'app-store-connect-signing-certificate.p12'))).toBe(
      false
    )
  })

  it('cleanup deletes the keychain and only the profiles setup-signing reported', () => {
    const keychain = join(env.RUNNER_TEMP, 'app-store-connect-signing.keychain-db')
    writeFileSync(keychain, '')
    const dirs = [
      'Library/MobileDevice/Provisioning Profiles',
      'Library/Developer/Xcode/UserData/Provisioning Profiles'
    ]
    const ours = '0a1b2c3d-0000-4000-8000-000000000001'
    const theirs = '0a1b2c3d-0000-4000-8000-000000000002'
    for (const dir of dirs) {
      mkdirSync(join(temp, dir), { recursive: true })
      for (const uuid of [ours, theirs])
        writeFileSync(join(temp, dir, `${uuid}.mobileprovision`), '')
    }
    const profiles = JSON.stringify([
      {
        name: 'App Store',
        uuid: ours,
        'bundle-id': 'com.example.app',
        'profile-type': 'IOS_APP_STORE'
      }
    ])
    const run = runScript(
      'cleanup-signing',
      scriptStep('cleanup-signing'),
      { 'keychain-path': keychain, profiles },
      env
    )
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(calls()).toEqual([`delete-keychain ${keychain}`])
    for (const dir of dirs) {
      expect(existsSync(join(temp, dir, `${ours}.mobileprovision`))).toBe(false)
      expect(existsSync(join(temp, dir, `${theirs}.mobileprovision`))).toBe(true)
    }
  })

  it('cleanup refuses the login keychain', () => {
    const run = runScript(
      'cleanup-signing',
      scriptStep('cleanup-signing'),
      { 'keychain-path': `${temp}/Library/Keychains/login.keychain-db` },
      env
    )
    expect(run.status).toBe(1)
    expect(run.stdout).toMatch(
      /::error title=cleanup-signing::Refusing to delete the login keychain/
    )
    expect(calls()).toEqual([])
  })

  it('cleanup is a no-op on Linux (safe after an `if: always()`)', () => {
    const run = runScript(
      'cleanup-signing',
      scriptStep('cleanup-signing'),
      {},
      { ...env, RUNNER_OS: 'Linux' }
    )
    expect(run.status).toBe(0)
    expect(calls()).toEqual([])
  })
})
