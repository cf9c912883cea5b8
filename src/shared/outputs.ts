import * as core from '@actions/core'

/** Sets step outputs; objects and arrays as JSON, undefined left unset. */
export function setOutputs(outputs: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value === undefined) continue
    core.setOutput(name, typeof value === 'string' ? value : JSON.stringify(value))
  }
}

/** Runs `fn` inside a collapsible log group. */
export function group<T>(name: string, fn: () => Promise<T>): Promise<T> {
  return core.group(name, fn)
}
