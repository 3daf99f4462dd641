// Sends many signed transactions without a subscription each: signs them with explicit nonces and
// submits them with `author_submitExtrinsic`, a bounded number in flight, so that one client can
// keep thousands of households trading per slot. Inclusion is seen in the blocks, not here.

export class Flood {
  constructor(api, { maxInFlight = 256 } = {}) {
    this.api = api;
    this.maxInFlight = maxInFlight;
    this.nonces = new Map();
    this.sent = 0;
    this.refused = [];
  }

  /** The next nonce of `address`; concurrent callers for one address get consecutive ones. */
  nonce(address) {
    const next = this.nonces.get(address) ?? this.api.rpc.system.accountNextIndex(address).then((n) => n.toNumber());
    this.nonces.set(address, next.then((n) => n + 1));
    return next;
  }

  /**
   * Signs and submits every `[tx, signer, options]` of `jobs` (options: signing options such as
   * a `tip`); resolves when all were handed to the pool.
   */
  async sendAll(jobs) {
    let index = 0;
    const worker = async () => {
      while (index < jobs.length) {
        const [tx, signer, options] = jobs[index++];
        await this.sendOne(tx, signer, options);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.maxInFlight, jobs.length) }, worker));
  }

  async sendOne(tx, signer, options = {}) {
    const nonce = await this.nonce(signer.address);
    const signed = await tx.signAsync(signer, { ...options, nonce, era: 0 });
    try {
      await this.api.rpc.author.submitExtrinsic(signed);
      this.sent++;
    } catch (error) {
      // The pool refused it (a stale nonce, a full pool): ask the chain for the nonce again.
      this.nonces.delete(signer.address);
      this.refused.push(error.message);
    }
  }
}
