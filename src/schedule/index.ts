/** The pure schedule core: iCal text -> events -> shifts -> final schedule -> who is on call. */
export type * from "./schedule-types.js";
export { parseCalendar, type ParseCalendarOptions } from "./parse-calendar.js";
export { expandCalendar, DEFAULT_MAX_OCCURRENCES, type ExpandCalendarOptions } from "./expand-calendar.js";
export { matchUsers, type UserMatch } from "./match-users.js";
export { finalSchedule, type FinalScheduleInput } from "./final-schedule.js";
export { whoIsOnCall, nextShiftChange } from "./who-is-on-call.js";
export { findGaps } from "./find-gaps.js";
export { exportShiftsIcs, type ExportShiftsIcsOptions } from "./export-shifts-ics.js";
