import type { IncomingGroup } from "../../alerts/incoming-group.js";
import type { CommandContext, Feature } from "../../app/feature.js";
import type { SimulateService } from "../../simulate/simulate-service.js";
import { escapeMrkdwn } from "../blocks/escape-mrkdwn.js";
import { simulationMessage } from "../blocks/simulation-message.js";
import { parseSimulateCommand, SIMULATE_USAGE } from "./parse-simulate-command.js";

export interface SimulateCommandDeps {
  simulator: SimulateService;
  /** The asker's Slack time zone (null when unknown: `fallbackZone` is used). */
  zoneOf(slackId: string): Promise<string | null>;
  fallbackZone: string;
  now: () => number;
}

/** One alert carrying `labels`, as `/oncall simulate` feeds it to the integration's routes. */
export function simulatedGroup(labels: Record<string, string>): IncomingGroup {
  const shown = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(", ");
  return {
    groupingKey: "calpage-simulate",
    status: "firing",
    title: shown ? `Simulated alert (${shown})` : "Simulated alert",
    message: null,
    severity: labels.severity ?? null,
    labels,
    links: [],
    alerts: [{ status: "firing", labels, annotations: {}, startsAt: null, endsAt: null, generatorUrl: null, fingerprint: "calpage-simulate" }],
  };
}

/** `/oncall simulate <integration> [label=value …] [time]`: answered privately, with the simulated timeline. */
export function simulateCommand(deps: SimulateCommandDeps): NonNullable<Feature["commands"]>[string] {
  return {
    usage: SIMULATE_USAGE,
    async run(args: string[], ctx: CommandContext): Promise<void> {
      const zone = (await deps.zoneOf(ctx.userId)) ?? deps.fallbackZone;
      const cmd = parseSimulateCommand(args, zone, deps.now());
      if (cmd.kind === "error") return ctx.respond(cmd.message);
      const result = await deps.simulator.simulate(cmd.integration, { groups: [simulatedGroup(cmd.labels)] }, cmd.at);
      if (!result.ok) return ctx.respond(`Cannot simulate: ${escapeMrkdwn(result.errors.join("; "))}.`);
      const message = simulationMessage(result.value, zone);
      await ctx.client.chat.postEphemeral({ channel: ctx.channelId, user: ctx.userId, text: message.text, blocks: message.blocks });
    },
  };
}
