// Where the explorer's model comes from: the bundled one (generated from openapi/openapi.oas.json)
// or, with --spec, another version of Apple's document, as JSON or as the zip Apple publishes.
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import bundledJson from '#shared/asc/generated/explorer.json' with { type: 'json' }
import { ExplorerError } from './errors.js'
import { buildModel, type ExplorerModel } from './model.js'
import { isZip, readZipEntry, zipEntries } from './zip.js'

export interface LoadedModel {
  model: ExplorerModel
  /** `bundled`, or the file it was read from */
  source: string
}

export function bundledModel(): LoadedModel {
  return { model: bundledJson as unknown as ExplorerModel, source: 'bundled' }
}

/** The JSON text of Apple's document in a file: the file itself, or the `.json` entry of a zip. */
export function readSpecText(path: string): string {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (e) {
    throw new ExplorerError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`)
  }
  if (!isZip(bytes)) return bytes.toString('utf8')
  try {
    const entries = zipEntries(bytes).filter((e) => /\.json$/i.test(e.name) && !e.name.startsWith('__MACOSX/'))
    if (!entries.length) throw new Error('holds no .json file')
    const best = entries.find((e) => /openapi/i.test(e.name)) ?? entries[0]
    return readZipEntry(bytes, best).toString('utf8')
  } catch (e) {
    throw new ExplorerError(`${path} ${(e as Error).message}`)
  }
}

/** The model of the document in a file (JSON or zip). */
export function modelFromFile(path: string): LoadedModel {
  const text = readSpecText(path)
  let spec: unknown
  try {
    spec = JSON.parse(text)
  } catch (e) {
    throw new ExplorerError(`${path} is not JSON (${(e as Error).message})`)
  }
  try {
    return { model: buildModel(spec, createHash('sha256').update(text).digest('hex')), source: path }
  } catch (e) {
    throw new ExplorerError(`${path} ${(e as Error).message}`)
  }
}

/** `bundled` (or nothing) is the bundled model; anything else a file. */
export function loadModel(spec?: string): LoadedModel {
  return !spec || spec === 'bundled' ? bundledModel() : modelFromFile(spec)
}
