/** Apple's limit on What to Test (`whatsNew`), in characters. */
export const WHATS_NEW_LIMIT = 4000

export interface SanitisedNotes {
  text: string
  /** What was changed and why, one line each (shown as warnings). */
  changes: string[]
}

/**
 * Makes notes acceptable to App Store Connect: line ends normalised; control characters (other than
 * new lines and tabs), unpaired surrogates and `<` `>` (refused by Apple's What to Test field) are
 * removed or replaced; the text is cut to 4,000 characters, on a line or word boundary when one is
 * near, ending in an ellipsis. Each change is reported so the user can fix the source.
 */
export function sanitiseNotes(input: string, locale: string): SanitisedNotes {
  const changes: string[] = []
  let text = input.replace(/\r\n?/g, '\n')
  const control =
    // eslint-disable-next-line no-control-regex
    /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g
  const controls = text.match(control)?.length ?? 0
  if (controls) {
    text = text.replace(control, '')
    changes.push(`What to Test (${locale}): removed ${controls} control or invalid character(s).`)
  }
  const angles = text.match(/[<>]/g)?.length ?? 0
  if (angles) {
    text = text.replace(/</g, '‹').replace(/>/g, '›')
    changes.push(
      `What to Test (${locale}): replaced ${angles} '<' or '>' with ‹ › (App Store Connect refuses them).`
    )
  }
  text = text.trim()
  const chars = Array.from(text)
  if (chars.length > WHATS_NEW_LIMIT) {
    let cut = chars.slice(0, WHATS_NEW_LIMIT - 1).join('')
    const boundary = Math.max(cut.lastIndexOf('\n'), cut.lastIndexOf(' '))
    if (boundary > cut.length - 200) cut = cut.slice(0, boundary)
    text = `${cut.trimEnd()}…`
    changes.push(
      `What to Test (${locale}) has ${chars.length} characters; App Store Connect allows ${WHATS_NEW_LIMIT}, so it was cut to ${Array.from(text).length}.`
    )
  }
  return { text, changes }
}
