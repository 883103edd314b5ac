export async function runDemo(_opts: unknown): Promise<number> { console.log("demo: not wired yet"); return 1; }
