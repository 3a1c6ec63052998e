// What a tile shows about a person beside their media: a raised hand, and a reaction for a
// few seconds after it was sent (announced to screen readers once).
import { REACTION_EMOJI, type ShownReaction } from "@/lib/client/moderation-state";
import { HandIcon } from "./moderation-icons";

export function TileBadges({ name, handRaised, reaction }: { name: string; handRaised: boolean; reaction?: ShownReaction }) {
  if (!handRaised && !reaction) return null;
  return (
    <>
      {handRaised && (
        <span
          data-testid="tile-hand"
          role="img"
          aria-label={`${name} raised a hand`}
          title="Hand raised"
          className="flex items-center rounded-md bg-amber-400 px-1.5 py-1 text-slate-950"
        >
          <HandIcon />
        </span>
      )}
      {reaction && (
        <span
          key={reaction.id}
          data-testid="tile-reaction"
          data-reaction={reaction.reaction}
          role="status"
          aria-label={`${name}: ${REACTION_EMOJI[reaction.reaction].label}`}
          className="animate-bounce rounded-full bg-black/60 px-2 py-0.5 text-2xl"
        >
          <span aria-hidden="true">{REACTION_EMOJI[reaction.reaction].emoji}</span>
        </span>
      )}
    </>
  );
}
