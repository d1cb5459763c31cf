export { canteenRoutes } from './canteen.routes.ts';
export {
  checkIn,
  dayAct,
  issueCard,
  canteenPaymentHook,
  subsidyDrawn,
  MODULE as CANTEEN_MODULE,
} from './canteen.service.ts';
export { addDish, setMenu, mealsServed } from './canteen.menu.ts';
export {
  PRICE_RULES,
  SAMPLE_RULES,
  MEALS,
  DINER_CATEGORIES,
  priceFor,
  dinerCategory,
  mealOccasion,
  sittingOf,
  type Meal,
  type DinerCategory,
} from './canteen.rules.ts';
export { mealLifecycle, dayLifecycle } from './canteen.lifecycle.ts';
export { canteenPermissions } from './canteen.permissions.ts';
