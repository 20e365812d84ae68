/**
 * Why `url` (DATABASE_URL) cannot be used, or null. The value may hold a password, so the
 * message never repeats it. postgres.js takes the host after the FIRST `@`, the URL standard
 * after the last: a password with a raw `@` (`postgres://calpage:p@ss@db/calpage`) would
 * connect to a host named `ss@db` — so any disagreement between the two readings is refused.
 */
export function databaseUrlProblem(url: string): string | null {
  if (!/^postgres(?:ql)?:\/\//.test(url)) return "expected a Postgres URL like postgres://user:password@host:5432/calpage (leave it unset to use SQLite)";
  const encodeHint = "characters like @ : / ? # in the user name or password must be URL-encoded (@ is %40, : is %3A, / is %2F, ? is %3F, # is %23)";
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `cannot be read as a URL postgres://user:password@host:5432/database; ${encodeHint}`;
  }
  const authority = url.slice(url.indexOf("://") + 3).split(/[?/#]/)[0] ?? "";
  const driverHost = authority.slice(authority.indexOf("@") + 1);
  if (driverHost.toLowerCase() !== parsed.host.toLowerCase()) return `the host is ambiguous (is it after the first or the last @?); ${encodeHint}`;
  return null;
}
