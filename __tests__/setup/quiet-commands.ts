// Keeps workflow commands (`::add-mask::`, `::debug::`, …) that @actions/core prints in-process out
// of the test output; e2e tests read them from the child process's stdout instead.
const write = process.stdout.write.bind(process.stdout)
process.stdout.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
  const text = typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8')
  if (text.startsWith('::')) return true
  return (write as (...a: unknown[]) => boolean)(chunk, ...rest)
}) as typeof process.stdout.write
