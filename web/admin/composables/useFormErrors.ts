import { reactive } from 'vue';
import { ElMessage } from 'element-plus';
import { ApiError } from '@shared/api';

/** Server validation messages by field, for `<el-form-item :error="errors.x">`; other errors as a toast. */
export function useFormErrors() {
  const errors = reactive<Record<string, string>>({});
  function clear() {
    for (const k of Object.keys(errors)) delete errors[k];
  }
  function handle(e: unknown, fallback = 'Error'): void {
    clear();
    if (e instanceof ApiError) {
      const fe = e.fieldErrors();
      Object.assign(errors, fe);
      ElMessage.error(Object.keys(fe).length ? `${e.message}` : e.message || fallback);
    } else ElMessage.error(fallback);
  }
  return { errors, clear, handle };
}
