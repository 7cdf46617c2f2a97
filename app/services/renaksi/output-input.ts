import type { z } from "zod";
import type { OutputSchema } from "./forms";
import type { OutputPlanInput } from "./plans.server";

/** A parsed output form → the service's input (the four quarter fields as one array). */
export function outputInput(v: z.infer<typeof OutputSchema>): OutputPlanInput {
  return {
    indicator: v.indicator,
    unit: v.unit,
    targetTw: [v.targetTw1, v.targetTw2, v.targetTw3, v.targetTw4],
    budgetTotal: v.budgetTotal,
    implementer: v.implementer,
    coordinator: v.coordinator,
    focus: v.focus,
  };
}
