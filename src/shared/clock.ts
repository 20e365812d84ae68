/** The only source of "now" for the imperative shell; pure code receives `now` as a parameter. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
