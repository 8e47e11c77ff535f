// The baseline's activities do nothing: what remains is what Temporal itself costs per call.
export async function noop(): Promise<void> {}
