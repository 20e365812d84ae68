/** How many alerts a group holds, as stored on it. */
export interface AlertCounts {
  /** Distinct alerts, firing or resolved. */
  alertCount: number;
  /** Of those, still firing. */
  firingCount: number;
  /** Alerts the source left out of its latest delivery (not stored, state unknown). */
  truncatedAlerts: number;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/**
 * The alerts really in a group, for every surface that shows a count (Slack,
 * SMS, voice, `/oncall alerts`, `calpage log`): `1 alert`, `5 alerts` (all firing),
 * `3 firing, 2 resolved`, `2 resolved alerts`, and `… and 500 more not sent`
 * when the source truncated its payload.
 */
export function alertCountsText(c: AlertCounts): string {
  const firing = Math.min(Math.max(0, c.firingCount), c.alertCount);
  const resolved = c.alertCount - firing;
  let text: string;
  if (resolved === 0) text = plural(c.alertCount, "alert");
  else if (firing === 0) text = plural(c.alertCount, "resolved alert");
  else text = `${firing} firing, ${resolved} resolved`;
  return c.truncatedAlerts > 0 ? `${text} and ${c.truncatedAlerts} more not sent` : text;
}

/** The count worth saying in a short page (SMS, call): null for the plain case of one firing alert. */
export function alertCountsPhrase(c: AlertCounts): string | null {
  if (c.alertCount <= 1 && c.truncatedAlerts === 0 && c.firingCount === c.alertCount) return null;
  return alertCountsText(c);
}
