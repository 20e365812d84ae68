import { describe, expect, it } from "vitest";
import { verdictForStatus, webhookRetryDelayMs } from "./retry-schedule.js";

describe("webhookRetryDelayMs", () => {
  it("backs off 10 s, 30 s, 1 min, 5 min, 15 min, 30 min, then hourly", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 10].map((a) => webhookRetryDelayMs(a) / 1000)).toEqual([10, 30, 60, 300, 900, 1800, 3600, 3600, 3600]);
  });
  it("follows a shorter schedule given to it, repeating its last wait", () => {
    expect([1, 2, 3, 4].map((a) => webhookRetryDelayMs(a, [50, 100]))).toEqual([50, 100, 100, 100]);
  });
});

describe("verdictForStatus", () => {
  it("delivers on 2xx, retries 408, 429 and 5xx, and gives up on other 4xx and on redirects", () => {
    const verdicts = Object.fromEntries([200, 204, 301, 302, 400, 401, 404, 408, 410, 422, 429, 500, 502, 503, 504].map((s) => [s, verdictForStatus(s)]));
    expect(verdicts).toEqual({
      200: "delivered",
      204: "delivered",
      301: "final",
      302: "final",
      400: "final",
      401: "final",
      404: "final",
      408: "retry",
      410: "final",
      422: "final",
      429: "retry",
      500: "retry",
      502: "retry",
      503: "retry",
      504: "retry",
    });
  });
});
