// The privacy-budget rules shared by the access contract (a grant's mode and budget) and the budget
// contract (reservations): one home for "is this budget valid" and "does this cost fit".
import { ChaincodeError, ChaincodeErrorCode } from './errors';
import type { BudgetAccount, PrivacyMode } from './records';
import { Limits } from './validation';

/**
 * Relative slack when comparing a sum of ρ with a budget: ten reservations of 0.1 sum to
 * 0.9999999999999999 or 1.0000000000000002 depending on order, and either must fit a budget of 1.
 * Far below any ρ a plan uses, so it never admits a real extra analysis.
 */
const RHO_SLACK = 1e-9;

/**
 * The mode and budget of a grant, checked: `dp` needs a budget ρ in (0, Limits.budgetRho];
 * `controlled` takes none. Returns the fields to store on the grant.
 */
export function privacyOf(mode: PrivacyMode, budgetRho: number | undefined): { privacyMode: PrivacyMode; budgetRho?: number } {
  if (mode === 'controlled') {
    if (budgetRho !== undefined) throw new ChaincodeError(ChaincodeErrorCode.BudgetInvalid, 'a controlled grant has no budget: "budgetRho" needs "privacyMode" dp');
    return { privacyMode: mode };
  }
  if (budgetRho === undefined) throw new ChaincodeError(ChaincodeErrorCode.BudgetInvalid, 'a dp grant needs a budget "budgetRho" above zero');
  if (!(budgetRho > 0) || budgetRho > Limits.budgetRho) {
    throw new ChaincodeError(ChaincodeErrorCode.BudgetInvalid, `"budgetRho" must be above 0 and at most the consortium's maximum ${Limits.budgetRho}`);
  }
  return { privacyMode: mode, budgetRho };
}

/** Whether charging `cost` keeps the account within its budget. */
export function fitsBudget(account: BudgetAccount, cost: number): boolean {
  return account.spentRho + cost <= account.budgetRho * (1 + RHO_SLACK);
}

/** What is left of an account (never below zero). */
export function leftOf(account: BudgetAccount): number {
  return Math.max(0, account.budgetRho - account.spentRho);
}
