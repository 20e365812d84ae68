import { describe, expect, it } from "vitest";
import { alertCountsPhrase, alertCountsText } from "./alert-counts-text.js";

describe("alertCountsText", () => {
  it.each([
    [{ alertCount: 1, firingCount: 1, truncatedAlerts: 0 }, "1 alert"],
    [{ alertCount: 100, firingCount: 100, truncatedAlerts: 0 }, "100 alerts"],
    [{ alertCount: 5, firingCount: 3, truncatedAlerts: 0 }, "3 firing, 2 resolved"],
    [{ alertCount: 2, firingCount: 0, truncatedAlerts: 0 }, "2 resolved alerts"],
    [{ alertCount: 1, firingCount: 0, truncatedAlerts: 0 }, "1 resolved alert"],
    [{ alertCount: 1000, firingCount: 1000, truncatedAlerts: 500 }, "1000 alerts and 500 more not sent"],
    [{ alertCount: 0, firingCount: 0, truncatedAlerts: 0 }, "0 alerts"],
  ])("%o → %s", (counts, text) => {
    expect(alertCountsText(counts)).toBe(text);
  });

  it("never shows more firing than there are alerts (a row written by an older version)", () => {
    expect(alertCountsText({ alertCount: 2, firingCount: 7, truncatedAlerts: 0 })).toBe("2 alerts");
  });
});

describe("alertCountsPhrase", () => {
  it("says nothing for one firing alert, and the count otherwise", () => {
    expect(alertCountsPhrase({ alertCount: 1, firingCount: 1, truncatedAlerts: 0 })).toBeNull();
    expect(alertCountsPhrase({ alertCount: 1, firingCount: 1, truncatedAlerts: 3 })).toBe("1 alert and 3 more not sent");
    expect(alertCountsPhrase({ alertCount: 5, firingCount: 3, truncatedAlerts: 0 })).toBe("3 firing, 2 resolved");
  });
});
