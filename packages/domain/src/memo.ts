/**
 * A bounded memo for pure functions of one string. Discovery reads the same few hundred job
 * titles and departments over and over (every refresh of a company re-reads its whole roster),
 * and reading a title (tokens, phrases, areas) was the refresher's largest CPU cost under load.
 * The results are immutable, so sharing them between callers is safe.
 */
export function memoizeByText<R>(
  read: (text: string | null) => R,
  maxEntries = 20_000,
): (text: string | null) => R {
  const memo = new Map<string | null, R>();
  return (text) => {
    const known = memo.get(text);
    if (known !== undefined || memo.has(text)) return known as R;
    // Past the bound, start again rather than track recency: a full reset is rare and cheap.
    if (memo.size >= maxEntries) memo.clear();
    const result = read(text);
    memo.set(text, result);
    return result;
  };
}

/**
 * `answer`, worked out once per key for the life of the returned function: for questions asked
 * many times within one computation (discovery asks the same reporting-line questions about a
 * person while deciding the decision makers and again while placing everyone).
 */
export function rememberedBy<I, K, V>(
  keyOf: (input: I) => K,
  answer: (input: I) => V,
): (input: I) => V {
  const answers = new Map<K, V>();
  return (input) => {
    const key = keyOf(input);
    if (answers.has(key)) return answers.get(key) as V;
    const value = answer(input);
    answers.set(key, value);
    return value;
  };
}
