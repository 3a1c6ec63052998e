"use client";
import { useState } from "react";
import { Input, Select } from "@/components/ui/Field";
import { WEEKDAYS, WEEKDAY_LABELS, type RecurrenceChoice } from "@/lib/meetings/recurrence";

/** Repeat: none / daily / weekly (weekdays) / monthly; every N; ends never / on a date / after N. */
export function RecurrenceFields({ defaults, errors }: { defaults: RecurrenceChoice; errors: Record<string, string> }) {
  const [repeat, setRepeat] = useState(defaults.repeat);
  const [end, setEnd] = useState(defaults.end);
  const unit = { none: "", daily: "days", weekly: "weeks", monthly: "months" }[repeat];
  return (
    <fieldset className="space-y-4 rounded-md border border-slate-800 p-4">
      <legend className="px-1 text-sm font-medium text-slate-200">Repeat</legend>
      <div className="grid gap-4 sm:grid-cols-2">
        <Select
          id="meeting-repeat"
          name="repeat"
          label="Repeats"
          data-testid="meeting-repeat"
          value={repeat}
          onChange={(e) => setRepeat(e.target.value as RecurrenceChoice["repeat"])}
          error={errors.repeat}
        >
          <option value="none">Does not repeat</option>
          <option value="daily">Daily</option>
          <option value="weekly">Weekly</option>
          <option value="monthly">Monthly (same day of the month)</option>
        </Select>
        {repeat !== "none" ? (
          <Input
            id="meeting-repeat-interval"
            name="repeatInterval"
            type="number"
            min={1}
            max={30}
            label={`Every … ${unit}`}
            data-testid="meeting-repeat-interval"
            defaultValue={defaults.interval}
            error={errors.repeatInterval}
            className="max-w-28"
          />
        ) : null}
      </div>
      {repeat === "weekly" ? (
        <div role="group" aria-labelledby="repeat-days-label" className="space-y-1">
          <p id="repeat-days-label" className="text-sm font-medium text-slate-200">On</p>
          <div className="flex flex-wrap gap-3">
            {WEEKDAYS.map((d) => (
              <label key={d} className="flex items-center gap-1 text-sm text-slate-200">
                <input
                  type="checkbox"
                  name="repeatDays"
                  value={d}
                  defaultChecked={defaults.weekdays.includes(d)}
                  data-testid={`meeting-repeat-day-${d}`}
                  className="h-4 w-4 accent-sky-600"
                />
                {WEEKDAY_LABELS[d]}
              </label>
            ))}
          </div>
          <p className="text-xs text-slate-400">None ticked: the weekday of the first meeting.</p>
        </div>
      ) : null}
      {repeat !== "none" ? (
        <div className="grid gap-4 sm:grid-cols-2">
          <Select
            id="meeting-repeat-end"
            name="repeatEnd"
            label="Ends"
            data-testid="meeting-repeat-end"
            value={end}
            onChange={(e) => setEnd(e.target.value as RecurrenceChoice["end"])}
          >
            <option value="never">Never</option>
            <option value="until">On a date</option>
            <option value="count">After a number of meetings</option>
          </Select>
          {end === "until" ? (
            <Input
              id="meeting-repeat-until"
              name="repeatUntil"
              type="date"
              label="Last day"
              data-testid="meeting-repeat-until"
              defaultValue={defaults.until ?? ""}
              error={errors.repeatUntil}
            />
          ) : end === "count" ? (
            <Input
              id="meeting-repeat-count"
              name="repeatCount"
              type="number"
              min={2}
              label="Number of meetings"
              data-testid="meeting-repeat-count"
              defaultValue={defaults.count ?? 10}
              error={errors.repeatCount}
              className="max-w-28"
            />
          ) : null}
        </div>
      ) : null}
      <p className="text-xs text-slate-400">Times stay in the chosen time zone, also when the clocks change.</p>
    </fieldset>
  );
}
