// Closing a connection waits for the server to answer; one that stopped answering (a network
// partition) would hold a shutdown until its deadline. The sockets left open go with the process.

/** Waits for `work` (its failure included) at most `ms`. */
export async function waitAtMost(work: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([work.catch(() => undefined), elapsed]);
  clearTimeout(timer);
}
