import { describe, expect, it } from "vitest";
import type { IncomingAlert } from "./incoming-group.js";
import { mergeAlertStatuses } from "./merge-alert-statuses.js";

const alert = (status: IncomingAlert["status"]): IncomingAlert => ({ status, labels: {}, annotations: {}, startsAt: null, endsAt: null, generatorUrl: null, fingerprint: null });
const delivery = (entries: [string, IncomingAlert["status"]][]) => new Map(entries.map(([k, s]) => [k, alert(s)]));

describe("mergeAlertStatuses", () => {
  it("a re-sent alert changes nothing", () => {
    const m = mergeAlertStatuses(new Map([["a", "firing"]]), delivery([["a", "firing"]]), { complete: true });
    expect(m).toMatchObject({ added: 0, changes: 0, alertCount: 1, firingCount: 1, resolvedAbsent: [] });
  });

  it("counts new alerts and alerts that changed state", () => {
    const known = new Map([["a", "firing"], ["b", "firing"]] as const);
    const m = mergeAlertStatuses(known, delivery([["a", "firing"], ["b", "resolved"], ["c", "firing"]]), { complete: false });
    expect(m).toMatchObject({ added: 1, changes: 2, alertCount: 3, firingCount: 2 });
  });

  it("a complete delivery resolves the firing alerts it no longer lists; a truncated one does not", () => {
    const known = new Map([["a", "firing"], ["b", "firing"], ["c", "resolved"]] as const);
    expect(mergeAlertStatuses(known, delivery([["a", "firing"]]), { complete: true })).toMatchObject({
      resolvedAbsent: ["b"],
      changes: 1,
      alertCount: 3,
      firingCount: 1,
    });
    expect(mergeAlertStatuses(known, delivery([["a", "firing"]]), { complete: false })).toMatchObject({ resolvedAbsent: [], firingCount: 2 });
  });

  it("an alert that resolved and fires again is a change, not a new alert", () => {
    const m = mergeAlertStatuses(new Map([["a", "resolved"]]), delivery([["a", "firing"]]), { complete: true });
    expect(m).toMatchObject({ added: 0, changes: 1, firingCount: 1 });
  });
});
