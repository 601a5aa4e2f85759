/** Anthropic `stop_reason` → OpenAI `finish_reason` (after vercel/ai map-anthropic-stop-reason). */
export function anthropicStopToFinishReason(stopReason: unknown): string | null {
  switch (stopReason) {
    case null:
    case undefined:
      return null;
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return 'tool_calls';
    case 'refusal':
      return 'content_filter';
    default:
      return 'stop';
  }
}

/** OpenAI `finish_reason` → Anthropic `stop_reason`. */
export function finishReasonToAnthropicStop(finishReason: unknown): string | null {
  switch (finishReason) {
    case null:
    case undefined:
      return null;
    case 'stop':
      return 'end_turn';
    case 'length':
      return 'max_tokens';
    case 'tool_calls':
    case 'function_call':
      return 'tool_use';
    case 'content_filter':
      return 'refusal';
    default:
      return 'end_turn';
  }
}
