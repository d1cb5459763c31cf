import { ref } from 'vue';

const KEY = 'qingdan.large';

/** Whether 老年模式 (large text) is on for this device. */
export const largeText = ref(false);

/** Turns large text on or off for this device and applies it to the page at once. */
export function setLargeText(on: boolean): void {
  largeText.value = on;
  document.documentElement.classList.toggle('qd-large', on);
  try {
    localStorage.setItem(KEY, on ? '1' : '0');
  } catch {
    /* storage unavailable */
  }
}

/** Applies the device's saved choice (called once when the phone app starts). */
export function restoreLargeText(): void {
  let on = false;
  try {
    on = localStorage.getItem(KEY) === '1';
  } catch {
    /* storage unavailable */
  }
  setLargeText(on);
}
