/** A status line for long runs: shown and overwritten on a TTY (stderr), cleared with no argument. */
export type Progress = (status?: string) => void;

export function ttyProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!stream.isTTY) return () => {};
  let shown = false;
  return (status) => {
    if (!status && !shown) return;
    // \r + erase-line keeps one line that the next status or the final output replaces.
    stream.write(`\r\x1b[2K${status ?? ''}`);
    shown = Boolean(status);
  };
}
