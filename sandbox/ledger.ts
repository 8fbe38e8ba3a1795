/**
 * Every secret the sandbox ever issued (OIDC tokens, access keys, session tokens…), so a test can scan all
 * output for each of them.
 */
export class Ledger {
  readonly #secrets = new Set<string>();

  /** Records a secret the sandbox handed out. */
  issue<T extends string>(secret: T): T {
    this.#secrets.add(secret);
    return secret;
  }

  /** Every secret issued so far. */
  get secrets(): readonly string[] {
    return [...this.#secrets];
  }
}
