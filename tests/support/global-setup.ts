/** Placeholder; replaced by the Postgres test-server setup. */
export default async function setup(): Promise<void> {}
