import { reactive } from 'vue';
import { ElMessage } from 'element-plus';
import { ApiError } from '@shared/api';
import { clearOnChange, requiredText } from '@shared/formErrors';

/**
 * Validation messages by field, for `<el-form-item :error="errors.x">`; other errors as a toast. Given
 * the form, a field's message goes away as soon as the field changes.
 */
export function useFormErrors(form?: Record<string, unknown>) {
  const errors = reactive<Record<string, string>>({});
  function clear() {
    for (const k of Object.keys(errors)) delete errors[k];
  }
  function handle(e: unknown, fallback = 'Error'): void {
    clear();
    if (e instanceof ApiError) {
      Object.assign(errors, e.fieldErrors());
      ElMessage.error(e.message || fallback);
    } else ElMessage.error(fallback);
  }
  /** Marks each empty field of `fields` as required (checked before anything is sent); true when all are filled. */
  function requireFilled(fields: Record<string, unknown>): boolean {
    const required = requiredText();
    let ok = true;
    for (const [k, v] of Object.entries(fields)) {
      const empty =
        v === undefined || v === null || (typeof v === 'string' ? !v.trim() : Array.isArray(v) && !v.length);
      if (empty) {
        errors[k] = required;
        ok = false;
      }
    }
    return ok;
  }
  if (form) clearOnChange(form, errors);
  return { errors, clear, handle, requireFilled };
}
