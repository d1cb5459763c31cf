import { reactive, ref, type Ref, type UnwrapNestedRefs } from 'vue';
import { useI18n } from 'vue-i18n';
import { ElMessage } from 'element-plus';
import { useFormErrors } from './useFormErrors';

/** What an admin page says about its create/edit dialog; the composable does the rest. */
export interface EditDialogOptions<Row, Form extends object> {
  /** The form of a new item. */
  blank: () => Form;
  /** The form filled from an item being edited. */
  fromRow: (row: Row) => Form;
  /** Sends the create request. */
  create: (form: Form) => Promise<unknown>;
  /** Sends the edit request for `row` (with its version as If-Match where the API checks one); none: create only. */
  update?: (row: Row, form: Form) => Promise<unknown>;
  /** The fields that must be filled (checked in the browser before sending), by form field name. */
  required?: (form: Form, editing: Row | null) => Record<string, unknown>;
  /** Keeps the dialog open after saving, to show what the server answered (a new API key). */
  keepOpen?: boolean;
  /** Reloads the page's list after a successful save. */
  reload: () => Promise<unknown>;
}

/**
 * One create/edit dialog of the admin console: whether it is open, which row it edits (null: a new
 * one), the form, the server's field errors, and saving (create or edit, then a toast and a reload).
 */
export function useEditDialog<Row, Form extends object>(opts: EditDialogOptions<Row, Form>) {
  const { t } = useI18n();
  const visible = ref(false);
  const editing = ref(null) as Ref<Row | null>;
  const busy = ref(false);
  const form = reactive(opts.blank()) as UnwrapNestedRefs<Form>;
  const { errors, handle, clear, requireFilled } = useFormErrors(form as Record<string, unknown>);

  /** Opens the dialog for a new item, or for editing `row`. */
  function open(row: Row | null = null) {
    clear();
    editing.value = row;
    Object.assign(form, row === null ? opts.blank() : opts.fromRow(row));
    visible.value = true;
  }

  /** Closes the dialog without saving. */
  function close() {
    visible.value = false;
  }

  /** Sends the form (create or edit); on success closes the dialog and reloads the list. */
  async function save(): Promise<boolean> {
    clear();
    if (opts.required && !requireFilled(opts.required(form as Form, editing.value))) return false;
    busy.value = true;
    try {
      const values = form as Form;
      if (editing.value === null) await opts.create(values);
      else if (opts.update) await opts.update(editing.value, values);
      ElMessage.success(t('common.success'));
      if (!opts.keepOpen) visible.value = false;
      await opts.reload();
      return true;
    } catch (e) {
      handle(e, t('common.failed'));
      return false;
    } finally {
      busy.value = false;
    }
  }

  return { visible, editing, busy, form, errors, open, close, save };
}
