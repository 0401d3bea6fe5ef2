/** The agent's version, reported in cluster facts. */
export const AGENT_VERSION = '0.1.0';
