// The contributed command ids. Pure, so the manifest test can compare them with package.json; commands.ts
// must give each one a handler (its table is typed Record<CommandId, …>, so tsc enforces both directions).
export const COMMAND_IDS = [
  'rewardLens.trainModel',
  'rewardLens.scoreFile',
  'rewardLens.openDiagnostics',
  'rewardLens.compareRuns',
  'rewardLens.selectModel',
  'rewardLens.cancelTraining',
  'rewardLens.showDoctor',
  'rewardLens.exportRun',
  'rewardLens.buildScenarios',
  'rewardLens.evaluateModel',
  'rewardLens.exportTrainingJob',
  'rewardLens.importTrainingJob',
  'rewardLens.configureFields',
  'rewardLens.openFromHfCache',
  'rewardLens.loadExternalScores',
] as const;

export type CommandId = (typeof COMMAND_IDS)[number];

/** Context keys set from code and used in package.json "when" clauses. */
export const CONTEXT_KEYS = {
  isTraining: 'rewardLens:isTraining',
  hasActiveModel: 'rewardLens:hasActiveModel',
} as const;
