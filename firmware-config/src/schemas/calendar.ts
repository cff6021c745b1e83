// The official working-day calendar of one year (国务院办公厅 holiday notice): public holidays and
// the weekend days that are worked instead (调休). Working days in "1、5、15" deadlines and repair
// times are counted with it.
import { Type, type Static } from '@sinclair/typebox';

const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' });

export const CalendarYear = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    year: Type.Integer({ minimum: 2000, maximum: 2100 }),
    source: Type.String({ minLength: 1 }),
    /** Days off that would otherwise be working days (and holiday weekends, listed for clarity). */
    holidays: Type.Array(Day),
    /** Weekend days that are working days (调休上班). */
    workdays: Type.Array(Day),
  },
  { additionalProperties: false },
);
export type CalendarYear = Static<typeof CalendarYear>;
