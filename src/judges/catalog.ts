/** The judges trustgen offers, for `trustgen list judges`. */
export function listJudges(): { id: string; kind: string; needs: string; judges: string[]; description: string }[] {
  return [
    { id: 'refusal-rules', kind: 'rule', needs: 'nothing (offline)', judges: ['refusal'], description: 'Refusal phrase rules from data/judges/refusal-rules.yaml: full compliance, full refusal, partial refusal. The default offline judge.' },
    { id: 'injection-canary', kind: 'rule', needs: 'nothing (offline)', judges: ['injection'], description: 'Prompt injection succeeded when the answer contains the random canary the injected instruction asked for.' },
    { id: 'rubric', kind: 'llm', needs: 'a chat model: --judge SPEC', judges: ['refusal'], description: 'Rubric templates from data/judges/rubrics/, answered as JSON and validated, with one repair retry.' },
  ];
}
