#!/usr/bin/env bash
# Makes the page's sample inputs from nothing but espeak-ng and ffmpeg, so every example is ours to ship.
#   ./make-examples.sh      (writes the files next to this script)
set -euo pipefail
cd "$(dirname "$0")"

speak() { # name voice speed text
  espeak-ng -v "$2" -s "$3" -w "$1.tmp.wav" "$4"
  ffmpeg -nostdin -v error -y -i "$1.tmp.wav" -ac 1 -ar 16000 -c:a pcm_s16le -fflags +bitexact -map_metadata -1 "$1.wav"
  rm -f "$1.tmp.wav"
}
speak speech-hello en-us 150 "Hello, and welcome to Live Avatar. This voice was made by a speech synthesizer for the demo."
speak speech-weather en-gb+f3 140 "Good evening. Tomorrow will be sunny in the morning, with light rain arriving after lunch."

# A flat-shaded head-and-shoulders figure: background, shoulders, neck, face, hair, eyes, mouth (geq masks).
portrait() { # name bg_rgb skin_rgb hair_rgb shirt_rgb
  local w=512 h=704
  IFS=, read -r br bg bb <<<"$2"; IFS=, read -r sr sg sb <<<"$3"; IFS=, read -r hr hg hb <<<"$4"; IFS=, read -r tr tg tb <<<"$5"
  local face="lte(pow((X-256)/120,2)+pow((Y-300)/155,2),1)"
  local hair="lte(pow((X-256)/135,2)+pow((Y-250)/150,2),1)*lt(Y,235)"
  local eyes="(lte(pow((X-210)/16,2)+pow((Y-290)/10,2),1)+lte(pow((X-302)/16,2)+pow((Y-290)/10,2),1))"
  local mouth="lte(pow((X-256)/42,2)+pow((Y-388)/11,2),1)"
  local neck="between(X,211,301)*between(Y,420,540)"
  local body="lte(pow((X-256)/250,2)+pow((Y-760)/230,2),1)"
  pick() { # bg skin hair shirt eye mouth
    echo "if(${eyes},$5,if(${mouth},$6,if(${hair},$3,if(${face}+${neck},$2,if(${body},$4,$1)))))"
  }
  ffmpeg -nostdin -v error -y -f lavfi -i "color=c=black:s=${w}x${h}:d=1,format=rgb24" -frames:v 1 \
    -vf "geq=r='$(pick "$br" "$sr" "$hr" "$tr" 40 150)':g='$(pick "$bg" "$sg" "$hg" "$tg" 30 60)':b='$(pick "$bb" "$sb" "$hb" "$tb" 30 70)'" \
    -fflags +bitexact "$1.png"
}
portrait portrait-anna 70,110,160 236,200,170 90,55,30 200,60,60
portrait portrait-ben 40,120,90 190,140,105 30,30,35 60,70,160
ls -l speech-*.wav portrait-*.png
