export { supervisionRoutes } from './supervision.routes.ts';
export {
  unitScores,
  publicUnitScores,
  unitCards,
  pressNoticePdf,
  type UnitScore,
  type UnitScores,
  type UnitCard,
} from './supervision.service.ts';
export { cardOf, cardRulesFrom, DEFAULT_CARD_RULES, type CardRules } from './supervision.cards.ts';
export {
  unitScore,
  DEFAULT_WEIGHTS,
  type ScoreComponents,
  type ScoreWeights,
} from './supervision.scoring.ts';
